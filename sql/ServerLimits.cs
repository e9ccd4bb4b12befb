using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// Limits the server imposes that statements must be sized by: read once from the server (the first caller pays one
/// query), so that no multi-row statement can ever exceed <c>max_allowed_packet</c>, whatever the data.
/// </summary>
public sealed class ServerLimits(CxDataSources dataSources)
{
    private long _maxAllowedPacket;

    /// <summary>A budget for one statement's bytes: half of max_allowed_packet, leaving room for protocol overhead.</summary>
    public async ValueTask<long> StatementBudgetAsync(CancellationToken cancellationToken)
    {
        if (_maxAllowedPacket == 0)
        {
            await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
            await using var command = new MySqlCommand("SELECT @@max_allowed_packet", connection);
            _maxAllowedPacket = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }
        return _maxAllowedPacket / 2;
    }

    /// <summary>The worst-case bytes a text takes on the wire in utf8mb4 (4 per UTF-16 unit is safe for any text).</summary>
    public static long WorstCaseBytes(string? text) => text is null ? 0 : 16L + text.Length * 3L;
}
