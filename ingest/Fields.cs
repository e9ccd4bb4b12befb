using System.Globalization;
using System.Text;

namespace CxActors.Ingest;

internal enum DateOrder
{
    MonthFirst,
    DayFirst,
}

/// <summary>
/// Allocation-light parsers for the handful of shapes the exports use. Hand-written rather than
/// DateTime.TryParseExact with format lists: faster on the hot path, and strict (nothing is guessed).
/// </summary>
internal static class Fields
{
    /// <summary>Trimmed text, or null when empty.</summary>
    public static string? Clean(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        return s.IsEmpty ? null : new string(s);
    }

    /// <summary>Trimmed text, or null when empty; returns the same instance when nothing was trimmed.</summary>
    public static string? Clean(string? s)
    {
        if (s is null)
            return null;
        var t = s.Trim();
        return t.Length == 0 ? null : t;
    }

    /// <summary><c>H:MM:SS</c>: any number of hour digits (a handle time may exceed 24 h), minutes and seconds 00-59.</summary>
    public static bool TryParseDuration(ReadOnlySpan<char> s, out int seconds)
    {
        seconds = 0;
        s = s.Trim();
        var colon = s.IndexOf(':');
        if (colon <= 0 || s.Length - colon != 6 || s[colon + 3] != ':')
            return false;
        long hours = 0;
        foreach (var c in s[..colon])
        {
            if (!char.IsAsciiDigit(c))
                return false;
            hours = hours * 10 + (c - '0');
            if (hours > int.MaxValue / 3600)
                return false;
        }
        var i = colon + 1;
        var minutes = ReadNumber(s, ref i, 2, 2);
        i++;
        var secs = ReadNumber(s, ref i, 2, 2);
        if (minutes is < 0 or > 59 || secs is < 0 or > 59)
            return false;
        var total = hours * 3600 + minutes * 60 + secs;
        if (total > int.MaxValue)
            return false;
        seconds = (int)total;
        return true;
    }

    /// <summary>
    /// <c>d/M/yyyy</c> or <c>M/d/yyyy</c> with one- or two-digit day and month. Two-digit years, where a source
    /// uses them, are taken as 2000 + yy: the exports are all from this century.
    /// </summary>
    public static bool TryParseDate(ReadOnlySpan<char> s, DateOrder order, bool allowTwoDigitYear, out DateOnly date)
    {
        s = s.Trim();
        var i = 0;
        return TryReadDate(s, ref i, order, allowTwoDigitYear, out date) && i == s.Length;
    }

    /// <summary><c>H:mm</c> or <c>H:mm:ss</c> with one- or two-digit hours.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> s, out TimeOnly time)
    {
        s = s.Trim();
        var i = 0;
        return TryReadTime(s, ref i, out time) && i == s.Length;
    }

    /// <summary>A date as in <see cref="TryParseDate"/>, white space, then a time as in <see cref="TryParseTime"/>.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> s, DateOrder order, bool allowTwoDigitYear, out DateTime local)
    {
        local = default;
        s = s.Trim();
        var i = 0;
        if (!TryReadDate(s, ref i, order, allowTwoDigitYear, out var date))
            return false;
        var gap = i;
        while (i < s.Length && s[i] == ' ')
            i++;
        if (i == gap || !TryReadTime(s, ref i, out var time) || i != s.Length)
            return false;
        local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return true;
    }

    private static bool TryReadDate(ReadOnlySpan<char> s, ref int i, DateOrder order, bool allowTwoDigitYear, out DateOnly date)
    {
        date = default;
        var first = ReadNumber(s, ref i, 1, 2);
        if (first < 0 || !Expect(s, ref i, '/'))
            return false;
        var second = ReadNumber(s, ref i, 1, 2);
        if (second < 0 || !Expect(s, ref i, '/'))
            return false;
        var yearStart = i;
        var year = ReadNumber(s, ref i, 2, 4);
        var yearDigits = i - yearStart;
        if (year < 0 || yearDigits == 3 || (yearDigits == 2 && !allowTwoDigitYear))
            return false;
        if (yearDigits == 2)
            year += 2000;
        var (month, day) = order == DateOrder.MonthFirst ? (first, second) : (second, first);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryReadTime(ReadOnlySpan<char> s, ref int i, out TimeOnly time)
    {
        time = default;
        var hour = ReadNumber(s, ref i, 1, 2);
        if (hour is < 0 or > 23 || !Expect(s, ref i, ':'))
            return false;
        var minute = ReadNumber(s, ref i, 2, 2);
        if (minute is < 0 or > 59)
            return false;
        var second = 0;
        if (i < s.Length && s[i] == ':')
        {
            i++;
            second = ReadNumber(s, ref i, 2, 2);
            if (second is < 0 or > 59)
                return false;
        }
        time = new TimeOnly(hour, minute, second);
        return true;
    }

    /// <summary>Reads between min and max ASCII digits; -1 when there are fewer than min.</summary>
    private static int ReadNumber(ReadOnlySpan<char> s, ref int i, int min, int max)
    {
        var start = i;
        var value = 0;
        while (i < s.Length && i - start < max && char.IsAsciiDigit(s[i]))
            value = value * 10 + (s[i++] - '0');
        return i - start < min ? -1 : value;
    }

    private static bool Expect(ReadOnlySpan<char> s, ref int i, char c)
    {
        if (i >= s.Length || s[i] != c)
            return false;
        i++;
        return true;
    }

    /// <summary>
    /// Folds a column or property name for lenient matching: trimmed, lower-case, diacritics removed, inner white
    /// space collapsed, so that "Horario", " horário " and "HORÁRIO" all find "Horário".
    /// </summary>
    public static string FoldName(string name)
    {
        string decomposed;
        try
        {
            decomposed = name.Trim().Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            // Not valid Unicode (an unpaired surrogate): nothing to decompose, and nothing it could match either.
            decomposed = name.Trim();
        }
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space)
                sb.Append(' ');
            space = false;
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
