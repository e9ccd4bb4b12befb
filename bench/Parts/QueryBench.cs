using System.Net;
using System.Text.Json;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record QueryResult(bool Available, double PerSecond, double P50Ms, double P99Ms, long Requests, long Errors,
    double SqlPerSecond, double SqlP50Ms, double SqlP99Ms, double? FleetMs, double FleetSqlMs, int FleetRows,
    PhaseUsage? GraphQLUsage, PhaseUsage SqlUsage);

/// <summary>
/// Part 3: the per-customer GraphQL query for random loaded customers from concurrent clients, beside the equivalent
/// SQL over the reporting views for the same customers at the same concurrency; and the fleet-wide contactCounts.
/// </summary>
public static class QueryBench
{
    public const string CustomerQuery =
        "query Customer($id: String!) { customer(id: $id) { contactsLast24h interactionCounts { channel count } lastInteraction { channel startedAt } } }";
    public const string FleetQuery =
        "{ contactCounts { totalCount nodes { customerId contacts } pageInfo { hasNextPage endCursor } } }";

    /// <summary>
    /// The original project's three questions, one round trip (three result sets) per customer, over the views that
    /// sql/010_reporting.sql defines for analysts. MariaDB pushes customer_id = ? into the grouped views, so every
    /// statement is an index range on interactions(customer_id, ...) or a primary-key lookup.
    /// </summary>
    public const string CustomerSql =
        "SELECT contacts FROM v_contacts_last_24h WHERE customer_id = @id;" +
        "SELECT channel, interactions FROM v_interactions_by_channel WHERE customer_id = @id;" +
        "SELECT channel, started_at FROM v_last_interaction WHERE customer_id = @id";

    public const string FleetSql =
        "SELECT customer_id, COUNT(*) AS contacts FROM interactions " +
        "WHERE started_at > UTC_TIMESTAMP(3) - INTERVAL 24 HOUR AND started_at <= UTC_TIMESTAMP(3) " +
        "GROUP BY customer_id ORDER BY contacts DESC, customer_id LIMIT 20";

    public static async Task<bool> GraphQLAvailableAsync(BenchContext ctx)
    {
        try
        {
            using var content = new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, "application/json");
            using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
            if (response.StatusCode != HttpStatusCode.OK)
                return false;
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            return json.RootElement.TryGetProperty("data", out _);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return false;
        }
    }

    public static async Task<JsonDocument> PostGraphQLAsync(BenchContext ctx, string query, string? id)
    {
        using var content = new ByteArrayContent(Body(query, id));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var json = JsonDocument.Parse(bytes);
        if (response.StatusCode != HttpStatusCode.OK || json.RootElement.TryGetProperty("errors", out _))
            throw new InvalidOperationException($"POST /graphql: HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        return json;
    }

    public static async Task<QueryResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var random = new Random(o.Seed + 3);
        // The same random customers, in the same order, for GraphQL and for SQL.
        var sequence = Enumerable.Range(0, 1 << 16).Select(_ => ctx.Data.Emails[random.Next(ctx.Data.Emails.Length)]).ToArray();
        var available = await GraphQLAvailableAsync(ctx);

        double gqlRate = double.NaN, gqlP50 = double.NaN, gqlP99 = double.NaN;
        long requests = 0, errors = 0;
        PhaseUsage? gqlUsage = null;
        double? fleetMs = null;
        if (available)
        {
            var bodies = sequence.Select(id => Body(CustomerQuery, id)).ToArray();
            BenchContext.Log($"part 3: GraphQL customer query, {o.QueryClients} clients, {o.QuerySeconds:N0} s (after a warm-up)");
            await GraphQLLoadAsync(ctx, bodies, o.QueryClients, Math.Min(3, o.QuerySeconds / 2), new Latencies(), new long[2]);
            var latencies = new Latencies();
            var counts = new long[2];
            (var seconds, gqlUsage) = await ctx.MeasureAsync("3 GraphQL customer query", () => GraphQLLoadAsync(ctx, bodies, o.QueryClients, o.QuerySeconds, latencies, counts));
            requests = counts[0];
            errors = counts[1];
            gqlRate = (requests - errors) / seconds;
            gqlP50 = latencies.Percentile(50);
            gqlP99 = latencies.Percentile(99);
            if (errors > 0)
                ctx.Notes.Add($"part 3: {errors:N0} of {requests:N0} GraphQL requests failed or returned errors");

            BenchContext.Log("part 3: fleet-wide contactCounts (24 h)");
            var fleet = new List<double>();
            for (var r = 0; r < 6; r++)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var json = await PostGraphQLAsync(ctx, FleetQuery, null);
                if (r > 0) // the first one warms the path
                    fleet.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            fleetMs = fleet.Order().ElementAt(fleet.Count / 2);
        }
        else
        {
            ctx.Notes.Add("part 3: GraphQL endpoint not available (POST /graphql did not answer { __typename }); GraphQL figures are null");
        }

        BenchContext.Log($"part 3: SQL reference over the reporting views, {o.QueryClients} connections, {o.QuerySeconds:N0} s (after a warm-up)");
        await SqlLoadAsync(ctx, sequence, o.QueryClients, Math.Min(3, o.QuerySeconds / 2), new Latencies());
        var sqlLatencies = new Latencies();
        var (sqlResult, sqlUsage) = await ctx.MeasureAsync("3 SQL reference query", () => SqlLoadAsync(ctx, sequence, o.QueryClients, o.QuerySeconds, sqlLatencies));

        var fleetSql = new List<double>();
        var fleetRows = 0;
        for (var r = 0; r < 6; r++)
        {
            await using var connection = await ctx.Database.OpenAsync();
            var t0 = Stopwatch.GetTimestamp();
            await using var command = new MySqlCommand(FleetSql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            fleetRows = 0;
            while (await reader.ReadAsync())
                fleetRows++;
            if (r > 0)
                fleetSql.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        return new QueryResult(available, gqlRate, gqlP50, gqlP99, requests, errors,
            sqlResult.Requests / sqlResult.Seconds, sqlLatencies.Percentile(50), sqlLatencies.Percentile(99),
            fleetMs, fleetSql.Order().ElementAt(fleetSql.Count / 2), fleetRows, gqlUsage, sqlUsage);
    }

    /// <summary>Each of <paramref name="bodies"/> once, from <paramref name="clients"/> clients (a warm-up: answers unchecked).</summary>
    internal static async Task GraphQLPassAsync(BenchContext ctx, byte[][] bodies, int clients)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Length; i = Interlocked.Increment(ref next))
            {
                try
                {
                    using var content = new ByteArrayContent(bodies[i]);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
                    await response.Content.ReadAsByteArrayAsync();
                }
                catch (HttpRequestException)
                {
                }
            }
        })));
    }

    internal static async Task<double> GraphQLLoadAsync(BenchContext ctx, byte[][] bodies, int clients, double seconds, Latencies latencies, long[] counts)
    {
        var next = -1;
        var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var body = bodies[(Interlocked.Increment(ref next) & int.MaxValue) % bodies.Length];
                var t0 = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    // A customer with data and no errors: cheap checks on the raw bytes.
                    ok = response.StatusCode == HttpStatusCode.OK && bytes.AsSpan().IndexOf("\"errors\""u8) < 0 && bytes.AsSpan().IndexOf("\"customer\":null"u8) < 0;
                }
                catch (HttpRequestException)
                {
                }
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                Interlocked.Increment(ref counts[0]);
                if (!ok)
                    Interlocked.Increment(ref counts[1]);
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<(long Requests, double Seconds)> SqlLoadAsync(BenchContext ctx, string[] sequence, int clients, double seconds, Latencies latencies)
    {
        var next = -1;
        long requests = 0;
        var connections = new List<MySqlConnection>();
        for (var c = 0; c < clients; c++)
            connections.Add(await ctx.Database.OpenAsync());
        var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
        {
            await using var command = new MySqlCommand(CustomerSql, connection);
            var id = command.Parameters.Add("@id", MySqlDbType.VarChar);
            while (Stopwatch.GetTimestamp() < end)
            {
                id.Value = sequence[(Interlocked.Increment(ref next) & int.MaxValue) % sequence.Length];
                var t0 = Stopwatch.GetTimestamp();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    do
                    {
                        while (await reader.ReadAsync())
                        {
                            // read every column, as a client would
                            for (var f = 0; f < reader.FieldCount; f++)
                                _ = reader.GetValue(f);
                        }
                    }
                    while (await reader.NextResultAsync());
                }
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                Interlocked.Increment(ref requests);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var connection in connections)
            await connection.DisposeAsync();
        return (requests, elapsed);
    }

    public static byte[] Body(string query, string? id)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("query", query);
            if (id is not null)
            {
                json.WritePropertyName("variables");
                json.WriteStartObject();
                json.WriteString("id", id);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
