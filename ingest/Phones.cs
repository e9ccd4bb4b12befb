using System.Collections.Concurrent;
using PhoneNumbers;

namespace CxActors.Ingest;

/// <summary>
/// Phone numbers as customer keys: E.164 (<c>+5571999990000</c>) by libphonenumber, numbers without a country code read
/// in a default region (<see cref="PhoneOptions.DefaultRegion"/>). Every side that compares phones (the adapters, the
/// start-up renormalisation of stored links, the lookups by phone) goes through here, so they agree on one key.
/// </summary>
public static class Phones
{
    /// <summary>Longer input is refused before parsing: no real number with its punctuation comes near it.</summary>
    public const int MaxInputLength = 64;

    /// <summary>Most distinct inputs remembered per default region; past it the memory is cleared and refilled.</summary>
    public const int CacheCapacity = 65_536;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // libphonenumber costs 10-25 µs a number, on every record that carries one, and a customer's records carry the
    // same number again and again: the answers are remembered, keyed by the trimmed input, looked up by span (no
    // string per hit). Bounded by clearing, not by eviction order: the next records refill it.
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (bool Ok, string Value)>> Answers = new(StringComparer.Ordinal);

    /// <summary>Whether libphonenumber knows the region (ISO 3166 alpha-2, upper case).</summary>
    public static bool IsSupportedRegion(string region) => Util.GetSupportedRegions().Contains(region);

    /// <summary>The national significant number of an E.164 number (<c>+5571999990000</c> → <c>71999990000</c>); null when it is not E.164.</summary>
    public static string? NationalDigits(string e164)
    {
        if (!e164.StartsWith('+'))
            return null;
        try
        {
            return Util.GetNationalSignificantNumber(Util.Parse(e164, null));
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// The E.164 form of <paramref name="raw"/>, or false with a short problem (no personal data: the caller quotes its
    /// own input beside it). Accepted: digits, white space and <c>+ - ( ) . /</c>; a leading <c>+</c> for a country
    /// code, else the default region's rules (its trunk prefix 0 and, in Brazil, carrier codes are dropped; a leading
    /// country code without <c>+</c> is recognised when the rest is a valid number).
    /// A number must be valid by libphonenumber's numbering plans, except in the default region's own country, where a
    /// possible length is enough: Brazil's older exports carry 8-digit mobiles from before the ninth digit
    /// (<c>71 9999-9999</c>), which the current plan calls invalid but which are still the customers' numbers.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> raw, string defaultRegion, out string e164, out string problem)
    {
        var s = raw.Trim();
        var answers = Answers.GetOrAdd(defaultRegion, static _ => new ConcurrentDictionary<string, (bool, string)>(StringComparer.Ordinal));
        if (answers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(s, out var known))
        {
            (e164, problem) = known.Ok ? (known.Value, "") : ("", known.Value);
            return known.Ok;
        }
        var ok = Normalize(s, defaultRegion, out e164, out problem);
        if (answers.Count >= CacheCapacity)
            answers.Clear();
        answers.TryAdd(s.ToString(), (ok, ok ? e164 : problem));
        return ok;
    }

    private static bool Normalize(ReadOnlySpan<char> s, string defaultRegion, out string e164, out string problem)
    {
        e164 = "";
        if (s.Length > MaxInputLength)
        {
            problem = $"longer than {MaxInputLength} characters";
            return false;
        }
        var digits = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
                digits++;
            else if (c == '+' ? i != 0 : !(c is ' ' or '-' or '(' or ')' or '.' or '/' || char.IsWhiteSpace(c)))
            {
                problem = c == '+' ? "'+' only at the start" : "only digits, spaces, a leading '+' and - ( ) . / are allowed";
                return false;
            }
        }
        if (digits == 0)
        {
            problem = "no digits";
            return false;
        }
        PhoneNumber number;
        try
        {
            number = Util.Parse(s.ToString(), defaultRegion);
        }
        catch (NumberParseException ex)
        {
            problem = ex.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => "unknown country code",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => "too short",
                ErrorType.TOO_LONG => "too long",
                _ => "not a phone number",
            };
            return false;
        }
        if (!Util.IsValidNumber(number))
        {
            var possible = Util.IsPossibleNumberWithReason(number);
            var home = number.CountryCode == Util.GetCountryCodeForRegion(defaultRegion);
            if (!home || possible != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
            {
                problem = possible switch
                {
                    PhoneNumberUtil.ValidationResult.TOO_SHORT => "too short",
                    PhoneNumberUtil.ValidationResult.TOO_LONG => "too long",
                    PhoneNumberUtil.ValidationResult.IS_POSSIBLE_LOCAL_ONLY => "no area code",
                    PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => "unknown country code",
                    _ => "not a valid number",
                };
                return false;
            }
        }
        e164 = Util.Format(number, PhoneNumberFormat.E164);
        problem = "";
        return true;
    }
}
