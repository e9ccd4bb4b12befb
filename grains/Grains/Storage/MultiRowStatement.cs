using System.Text;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>
/// A multi-row statement (INSERT ... VALUES (...),(...) ...) executed as server-side prepared statements of
/// power-of-two row counts, each prepared once per connection with its parameter objects reused. Against the
/// same statement sent as text, MySQL parses nothing per flush, values travel in the binary protocol, and the
/// writer allocates no parameter objects and no large SQL strings. A slice never holds more rows than fit in the byte
/// budget (half of the server's max_allowed_packet), whatever the rows hold.
/// </summary>
internal sealed class MultiRowStatement(string head, string tail, MySqlDbType[] columns, int maxRows) : IDisposable
{
    private readonly Dictionary<int, MySqlCommand> _prepared = [];
    private MySqlConnection? _connection;

    /// <summary>
    /// Writes rows [0, count) in slices; <paramref name="fill"/> sets one row's values from a parameter offset, <paramref name="bytes"/>
    /// bounds a row's size on the wire. Returns affected rows.
    /// </summary>
    public async Task<int> ExecuteAsync<TRow>(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<TRow> rows,
        Action<TRow, MySqlParameterCollection, int> fill, Func<TRow, long> bytes, long budget, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            Dispose();
            _connection = connection;
        }
        var affected = 0;
        for (var start = 0; start < rows.Count;)
        {
            var size = SliceSize(rows, start, bytes, budget);
            var command = await PreparedAsync(size, cancellationToken);
            command.Transaction = transaction;
            for (var r = 0; r < size; r++)
                fill(rows[start + r], command.Parameters, r * columns.Length);
            affected += await command.ExecuteNonQueryAsync(cancellationToken);
            start += size;
        }
        return affected;
    }

    /// <summary>The largest power of two of rows from <paramref name="start"/> within maxRows and the byte budget (at least one row).</summary>
    private int SliceSize<TRow>(IReadOnlyList<TRow> rows, int start, Func<TRow, long> bytes, long budget)
    {
        var remaining = rows.Count - start;
        var size = 1;
        var total = bytes(rows[start]);
        while (size * 2 <= remaining && size * 2 <= maxRows)
        {
            var next = total;
            for (var r = start + size; r < start + size * 2; r++)
                next += bytes(rows[r]);
            if (next > budget)
                break;
            total = next;
            size *= 2;
        }
        return size;
    }

    private async Task<MySqlCommand> PreparedAsync(int rows, CancellationToken cancellationToken)
    {
        if (_prepared.TryGetValue(rows, out var command))
            return command;
        var sql = new StringBuilder(head.Length + tail.Length + rows * (columns.Length * 2 + 3));
        sql.Append(head);
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < columns.Length; c++)
                sql.Append(c == 0 ? "?" : ",?");
            sql.Append(')');
        }
        sql.Append(tail);
        command = new MySqlCommand(sql.ToString(), _connection);
        for (var r = 0; r < rows; r++)
            foreach (var type in columns)
                command.Parameters.Add(new MySqlParameter { MySqlDbType = type });
        await command.PrepareAsync(cancellationToken);
        _prepared[rows] = command;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
            command.Dispose();
        _prepared.Clear();
        _connection = null;
    }
}
