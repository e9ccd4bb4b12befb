using System.Text.RegularExpressions;

namespace CxActors.ServiceDefaults;

/// <summary>
/// Replaces e-mail-shaped and phone-shaped text with <c>[email]</c> and <c>[phone]</c>. Customer ids are e-mail
/// addresses, so anything that prints a grain id ("customer/ana@…"), a request path or a raw record would put personal
/// data in a log line; this is the last line of defence under every logger (<see cref="RedactingLoggerFactory"/>).
/// It errs towards redacting: a token with an @ (or %40) inside is an e-mail whatever follows it; a run of 8 to 32
/// digits, or a number written like a phone ((11) 91234-5678, +55 11 91234-5678, 91234-5678), is a phone. Two ids that
/// carry digit runs are kept whole: an Orleans silo address (127.0.0.1:11111:123456789, its generation a 9-digit number)
/// and a Kestrel request id (0HNQDVHVR4O1V:00000001, a 13-character connection id with a letter in it and an 8-hex-digit counter), which
/// every request's log scope carries and which would otherwise read as a phone.
/// </summary>
public static partial class PersonalDataRedactor
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";

    // Linear time whatever the text (no backtracking): a long token without an @ costs one pass, not its square.
    private static readonly Regex EmailShaped = new(
        @"[^\s@""'<>()\[\]{},;:/\\?&=]+(@|%40)[^\s@""'<>()\[\]{},;:/\\?&=]+",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.NonBacktracking);

    // A silo address or request id (kept), a phone written with separators, or a bare run of digits. Bounded quantifiers only.
    [GeneratedRegex(
        @"(?<kept>\bS?\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}[:@]\d{1,12}|\b(?=[0-9A-Z]{0,12}[A-Z])[0-9A-Z]{13}:[0-9A-F]{8}\b)" +
        @"|(?<![\p{L}\d_])(?:\+\d{1,3}[ -]?)?(?:\(\d{2,3}\) ?|\d{2,3}[ -])?\d{4,5}[ -]\d{4}(?![\p{L}\d_])" +
        @"|(?<![\p{L}\d_.])\+?\d{8,32}(?![\p{L}\d_]|\.\d)",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PhoneShaped();

    /// <summary>
    /// Digits on both sides of the '@': the port and generation of an Orleans silo address ("127.0.0.1:11111@154962485",
    /// where ':' ends the match on the left). No e-mail address has an all-digit domain.
    /// </summary>
    private static bool IsSiloGeneration(ReadOnlySpan<char> match)
    {
        var at = match.IndexOf('@');
        return at > 0 && !match[..at].ContainsAnyExcept("0123456789") && !match[(at + 1)..].ContainsAnyExcept("0123456789");
    }

    /// <summary><paramref name="text"/> with personal data replaced; the same instance when there is none.</summary>
    public static string Redact(string text)
    {
        var redacted = text;
        if (text.Contains('@', StringComparison.Ordinal) || text.Contains("%40", StringComparison.Ordinal))
            redacted = EmailShaped.Replace(text, static m => IsSiloGeneration(m.ValueSpan) ? m.Value : Email);
        if (redacted.Length >= 8)
        {
            var phones = PhoneShaped().Replace(redacted, static m => m.Groups["kept"].Success ? m.Value : Phone);
            if (!string.Equals(phones, redacted, StringComparison.Ordinal))
                redacted = phones;
        }
        return string.Equals(redacted, text, StringComparison.Ordinal) ? text : redacted;
    }
}
