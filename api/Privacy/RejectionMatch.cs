using System.Text;
using CxActors.Ingest;

namespace CxActors.Privacy;

/// <summary>
/// Which stored rejections name a customer: <c>ingest_rejections.raw_record</c> containing the e-mail (the column's
/// collation is case-insensitive, so any case matches) or one of its linked phones exactly as stored (digits only; a
/// raw record that wrote the number with spaces or punctuation is not found). Cost: rejections carry no customer
/// key (most were refused because they had none), so this is a full scan of the table, one LIKE per candidate per
/// row; fine for a table of refused records read by rare privacy requests, not for a hot path.
/// </summary>
internal static class RejectionMatch
{
    /// <summary>Appends <c>(raw_record LIKE ? OR ...)</c> for the customer id and its phones.</summary>
    public static StringBuilder AppendWhere(StringBuilder sql, MySqlParameterCollection parameters, PrivacySubject subject)
    {
        var needles = new List<string> { subject.CustomerId };
        // A raw record writes a number as its source did (71999990000, 5571999990000, +55 71 ...): its national digits
        // are in the first two; links made before E.164 are kept as stored.
        needles.AddRange(subject.Phones.Select(p => Phones.NationalDigits(p.Phone) ?? p.Phone).Distinct(StringComparer.Ordinal));
        sql.Append('(');
        for (var i = 0; i < needles.Count; i++)
        {
            sql.Append(i == 0 ? "raw_record LIKE ?" : " OR raw_record LIKE ?");
            parameters.Add(new MySqlParameter { Value = "%" + Escape(needles[i]) + "%" });
        }
        return sql.Append(')');
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
