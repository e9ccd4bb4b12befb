using System.Text;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>Positional-parameter lists for <c>IN (...)</c> and multi-row <c>VALUES</c> clauses.</summary>
public static class SqlInList
{
    /// <summary>Appends <c>?,?,…</c> for each value and adds the values as parameters, in order.</summary>
    public static StringBuilder Append<T>(StringBuilder sql, MySqlParameterCollection parameters, IEnumerable<T> values)
    {
        var first = true;
        foreach (var value in values)
        {
            sql.Append(first ? "?" : ",?");
            parameters.Add(new MySqlParameter { Value = (object?)value ?? DBNull.Value });
            first = false;
        }
        if (first)
            throw new ArgumentException("An IN list needs at least one value.", nameof(values));
        return sql;
    }

    /// <summary>Appends <c>(?,?),(?,?),…</c>: <paramref name="rows"/> tuples of <paramref name="columns"/> placeholders.</summary>
    public static StringBuilder AppendTuples(StringBuilder sql, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < columns; c++)
                sql.Append(c == 0 ? "?" : ",?");
            sql.Append(')');
        }
        return sql;
    }
}
