using System.Globalization;
using System.Text;

namespace CxActors.Ingest;

/// <summary>
/// Quotes input back in a rejection reason, bounded: a reason names what was wrong without repeating a value of any
/// size (a 15 MB string would otherwise come back whole, in the response and in the rejections table).
/// </summary>
public static class Echo
{
    /// <summary>Most characters of a value a reason repeats.</summary>
    public const int MaxChars = 100;

    /// <summary>Marks where a value was cut.</summary>
    public const char Ellipsis = '…';

    /// <summary>
    /// <c>'value'</c>; a value longer than <see cref="MaxChars"/> is cut and its length told:
    /// <c>'aaaa…' (15000000 characters)</c>.
    /// </summary>
    public static string Quote(ReadOnlySpan<char> value) => Format(value, quoted: true);

    /// <summary>As <see cref="Quote"/> without the quote marks, for values shown bare (JSON numbers): <c>7.1e9</c>.</summary>
    public static string Bare(ReadOnlySpan<char> value) => Format(value, quoted: false);

    private static string Format(ReadOnlySpan<char> value, bool quoted)
    {
        var sb = new StringBuilder(MaxChars + 32);
        if (quoted)
            sb.Append('\'');
        if (value.Length <= MaxChars)
        {
            sb.Append(value);
        }
        else
        {
            // Never cut between the halves of a surrogate pair: the reason must stay valid UTF-16 (and so UTF-8).
            var cut = char.IsHighSurrogate(value[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
            sb.Append(value[..cut]).Append(Ellipsis);
        }
        if (quoted)
            sb.Append('\'');
        if (value.Length > MaxChars)
            sb.Append(CultureInfo.InvariantCulture, $" ({value.Length} characters)");
        return sb.ToString();
    }
}
