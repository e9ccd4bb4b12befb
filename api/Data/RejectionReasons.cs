using System.Text;

namespace CxActors.Api.Data;

/// <summary>
/// Groups the stored rejection reasons into a few kinds for the fleet's counts. A stored reason quotes the client's
/// values (<c>email: 'ana@x' is not a valid e-mail address</c>), which may be personal data and make every reason
/// distinct; the kind keeps the field the first problem names and what was wrong with it
/// (<c>email: not an e-mail address</c>), never a value. Classified in SQL so that MySQL returns one row per kind,
/// whatever the number of rejections.
/// </summary>
public static class RejectionReasons
{
    /// <summary>The kinds, in precedence order: the first whose pattern (SQL LIKE) matches the first problem wins.</summary>
    public static readonly IReadOnlyList<(string Like, string Kind)> Kinds =
    [
        ("customer erased", "customer erased"),
        ("no customer e-mail or phone%", "no customer e-mail or phone"),
        ("the row has % field(s), fewer than %", "too few fields"),
        ("%: missing", "missing"),
        ("%is not a valid e-mail address", "not an e-mail address"),
        ("%is not a phone number", "not a phone number"),
        ("%is not one of PHONE, CHAT, WHATSAPP, EMAIL", "unknown channel"),
        ("%has no UTC offset%", "no UTC offset"),
        ("%does not exist in % (skipped by the daylight-saving change)", "skipped by a daylight-saving change"),
        ("%is more than 1 h in the future", "in the future"),
        ("%is before the start %", "ends before it starts"),
        ("%is not a valid % date%", "not a date or time"),
        ("%is not a valid % time", "not a date or time"),
        ("%is not a valid H:MM:SS duration", "not a duration"),
        ("%is not between 0 and 10", "out of range"),
        ("%is out of range", "out of range"),
        ("%must be at least %", "out of range"),
        ("%would end the call after the year 9999", "out of range"),
        ("%is not a number", "wrong type"),
        ("%is not an integer", "wrong type"),
        ("%expected %, got %", "wrong type"),
    ];

    /// <summary>The kind of a reason none of <see cref="Kinds"/> matches.</summary>
    public const string Other = "other";

    /// <summary>
    /// The SQL expression of a row's kind, over <paramref name="firstProblem"/> (the reason up to its first "; ") and
    /// <paramref name="field"/> (what precedes its first ": ", when that looks like a field name). Patterns are
    /// parameters <c>@kindLike0…</c>, bound by <see cref="Bind"/>.
    /// </summary>
    public static string SqlKind(string firstProblem, string field)
    {
        var kind = new StringBuilder("CASE");
        for (var i = 0; i < Kinds.Count; i++)
            kind.Append(" WHEN ").Append(firstProblem).Append(" LIKE @kindLike").Append(i).Append(" THEN @kindName").Append(i);
        kind.Append(" ELSE @kindOther END");
        return $"CONCAT(COALESCE(CONCAT({field}, ': '), ''), {kind})";
    }

    /// <summary>The first problem of a stored reason (problems are joined by "; ").</summary>
    public const string SqlFirstProblem = "SUBSTRING_INDEX(reason, '; ', 1)";

    /// <summary>
    /// The field the first problem names: what precedes ": " when it is a short name (letters, digits, '_', '.', '-',
    /// spaces); null for the record-wide reasons.
    /// </summary>
    public static string SqlField(string firstProblem) =>
        $"CASE WHEN LOCATE(': ', {firstProblem}) BETWEEN 2 AND 41 AND SUBSTRING_INDEX({firstProblem}, ': ', 1) REGEXP '^[A-Za-z][A-Za-z0-9_ .-]*$' " +
        $"THEN SUBSTRING_INDEX({firstProblem}, ': ', 1) END";

    public static void Bind(MySqlConnector.MySqlCommand command)
    {
        for (var i = 0; i < Kinds.Count; i++)
        {
            command.Parameters.AddWithValue($"@kindLike{i}", Kinds[i].Like);
            command.Parameters.AddWithValue($"@kindName{i}", Kinds[i].Kind);
        }
        command.Parameters.AddWithValue("@kindOther", Other);
    }
}
