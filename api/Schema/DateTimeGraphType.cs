using System.Globalization;
using CxActors.Api.Http;
using GraphQLParser.AST;

namespace CxActors.Api.Schema;

/// <summary>
/// ISO-8601 instants. Inputs must carry an offset or Z (a local time would be ambiguous); outputs are UTC,
/// always with milliseconds and Z, e.g. <c>2024-03-01T10:00:00.000Z</c>.
/// </summary>
public sealed class CxDateTimeGraphType : ScalarGraphType
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    public CxDateTimeGraphType()
    {
        Name = "DateTime";
        Description = "An ISO-8601 instant. Inputs need an offset or Z (2024-03-01T10:00:00Z, 2024-03-01T07:00:00-03:00); outputs are UTC with Z.";
    }

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue s => Parse(s.Value.ToString()),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value, "a DateTime must be a string such as \"2024-03-01T10:00:00Z\""),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s => Parse(s),
        DateTimeOffset o => o.UtcDateTime,
        DateTime { Kind: DateTimeKind.Utc } d => d,
        _ => ThrowValueConversionError(value),
    };

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        DateTime d => Format(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d),
        DateTimeOffset o => Format(o.UtcDateTime),
        _ => ThrowSerializationError(value),
    };

    public static string Format(DateTime utc) =>
        utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO-8601 date-time with an offset or Z into a UTC <see cref="DateTime"/>.</summary>
    public static DateTime Parse(string text)
    {
        var s = text.Trim();
        if (s.Length > 0 && (s[^1] == 'Z' || s[^1] == 'z'))
            s = string.Concat(s.AsSpan(0, s.Length - 1), "+00:00");
        var t = s.IndexOf('T');
        if (t < 0)
            t = s.IndexOf('t');
        if (t < 0 || s.AsSpan(t).IndexOfAny('+', '-') < 0)
            throw new CxInputException(
                $"DateTime '{text}' has no UTC offset: give an ISO-8601 date and time with Z or an offset, e.g. 2024-03-01T10:00:00Z or 2024-03-01T07:00:00-03:00.");
        if (!DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            throw new CxInputException(
                $"DateTime '{text}' is not an ISO-8601 date and time, e.g. 2024-03-01T10:00:00Z or 2024-03-01T07:00:00-03:00.");
        return parsed.UtcDateTime;
    }
}
