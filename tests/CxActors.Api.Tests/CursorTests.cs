using System.Buffers.Text;
using System.Net;
using System.Text;
using CxActors.Api.Schema;
using CxActors.Database;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Tests;

/// <summary>
/// Cursors are sealed (AES-GCM under a key derived from Privacy:HashKey): they round-trip, show no customer id, and
/// anything altered, cut, of another list or of another key is INVALID_CURSOR; hosts with the same secret page together.
/// </summary>
public sealed class CursorTests : IAsyncLifetime
{
    private const string OtherHashKey = "another-privacy-hash-key-for-tests-0123456789";
    private static readonly Cursors Sealer = CursorsWith(SiloProcess.TestHashKey);
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static Cursors CursorsWith(string hashKey) => new(Options.Create(new CustomerHashOptions { HashKey = hashKey }));

    /// <summary>One cursor of each kind over the same customer, with the parse that opens it and the value it must give.</summary>
    private static IEnumerable<(string Kind, string Cursor)> OneOfEachKind(Cursors cursors, string customer) =>
    [
        ("customer", cursors.Customer(customer)),
        ("count", cursors.Count(7, customer)),
        ("interaction", cursors.Interaction(new InteractionCursor(new DateTime(2024, 3, 1, 10, 0, 0, 123, DateTimeKind.Utc), customer))),
    ];

    private static object? Parse(Cursors cursors, string kind, string cursor) => kind switch
    {
        "customer" => cursors.ParseCustomer(cursor),
        "count" => cursors.ParseCount(cursor),
        _ => cursors.ParseInteraction(cursor),
    };

    private static void AssertInvalid(Func<object?> parse)
    {
        var error = Assert.Throws<ExecutionError>(parse);
        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }

    [Theory]
    [InlineData("ana.souza@example.com.br")]
    [InlineData("x@y.z")]
    [InlineData("joão+ñ@exemplo.com.br")]
    public void Each_kind_round_trips_through_another_instance_with_the_same_secret(string customer)
    {
        var other = CursorsWith(SiloProcess.TestHashKey);

        Assert.Equal(customer, other.ParseCustomer(Sealer.Customer(customer)));
        Assert.Equal((7, customer), other.ParseCount(Sealer.Count(7, customer)));
        var at = new DateTime(2024, 3, 1, 10, 0, 0, 123, DateTimeKind.Utc);
        Assert.Equal(new InteractionCursor(at, customer), other.ParseInteraction(Sealer.Interaction(new InteractionCursor(at, customer))));
        Assert.Null(other.ParseCustomer(null));
        Assert.Null(other.ParseCount(null));
        Assert.Null(other.ParseInteraction(null));
    }

    [Fact]
    public void No_cursor_shows_the_customer_id_or_any_part_of_it()
    {
        const string customer = "maria.oliveira@example.com.br";
        var secrets = new[] { customer, "maria.oliveira", "example.com.br" };
        for (var i = 0; i < 20; i++)
        {
            foreach (var (_, cursor) in OneOfEachKind(Sealer, customer))
            {
                var bytes = Base64Url.DecodeFromChars(cursor);
                foreach (var secret in secrets)
                {
                    Assert.DoesNotContain(secret, cursor, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain(secret, Encoding.Latin1.GetString(bytes), StringComparison.OrdinalIgnoreCase);
                    // Nor base64 of it at any of the three alignments a plain encoding could put it at.
                    for (var pad = 0; pad < 3; pad++)
                    {
                        var encoded = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new string('\0', pad) + secret))[(pad * 4 / 3 + 1)..^2];
                        Assert.DoesNotContain(encoded, cursor, StringComparison.Ordinal);
                    }
                }
            }
        }
        // Sealed with a fresh nonce each time: the same position gives a different cursor, so cursors cannot be compared.
        Assert.NotEqual(Sealer.Customer(customer), Sealer.Customer(customer));
    }

    [Fact]
    public void Changing_any_bit_of_any_byte_is_refused()
    {
        foreach (var (kind, cursor) in OneOfEachKind(Sealer, "ana@example.com"))
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            for (var i = 0; i < bytes.Length; i++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    var tampered = (byte[])bytes.Clone();
                    tampered[i] ^= (byte)(1 << bit);
                    AssertInvalid(() => Parse(Sealer, kind, Base64Url.EncodeToString(tampered)));
                }
            }
        }
    }

    [Fact]
    public void A_truncated_or_extended_cursor_is_refused()
    {
        foreach (var (kind, cursor) in OneOfEachKind(Sealer, "ana@example.com"))
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            for (var length = 0; length < bytes.Length; length++)
                AssertInvalid(() => Parse(Sealer, kind, Base64Url.EncodeToString(bytes.AsSpan(0, length))));
            AssertInvalid(() => Parse(Sealer, kind, Base64Url.EncodeToString([.. bytes, 0])));
            for (var length = 1; length < cursor.Length; length++)
                AssertInvalid(() => Parse(Sealer, kind, cursor[..length]));
            AssertInvalid(() => Parse(Sealer, kind, cursor + "A"));
            AssertInvalid(() => Parse(Sealer, kind, cursor + "!"));
        }
    }

    [Fact]
    public void A_cursor_of_another_list_or_another_secret_is_refused()
    {
        var stranger = CursorsWith(OtherHashKey);
        var cursors = OneOfEachKind(Sealer, "ana@example.com").ToList();
        foreach (var (kind, cursor) in cursors)
        {
            foreach (var (otherKind, _) in cursors.Where(c => c.Kind != kind))
                AssertInvalid(() => Parse(Sealer, otherKind, cursor));
            AssertInvalid(() => Parse(stranger, kind, cursor));
        }
        // The old, unsealed format (a kind letter and the id, base64url) is refused too.
        AssertInvalid(() => Sealer.ParseCustomer(Base64Url.EncodeToString("uana@example.com"u8)));
    }

    [Fact]
    public async Task Pages_continue_on_another_host_with_the_same_secret_and_not_on_one_with_another()
    {
        var customers = Enumerable.Range(0, 9).Select(i => $"cursor-{i:D2}-{Guid.NewGuid():N}@example.com").ToList();
        foreach (var customer in customers)
        {
            await _database.ExecuteAsync(
                "INSERT INTO customers (customer_id, email, first_contact_at, last_contact_at, last_channel, last_interaction_id, total_contacts, " +
                "phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at) VALUES " +
                $"('{customer}', '{customer}', '2024-01-01', '2024-01-01', 'EMAIL', '{new string('0', 32)}', 1, 0, 0, 0, 1, 1, '2024-01-01')");
        }
        var grains = new FakeGrains(id => Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));
        await using var first = await InProcessHost.StartAsync(grains, _database.ConnectionString);
        await using var second = await InProcessHost.StartAsync(grains, _database.ConnectionString);
        await using var stranger = await InProcessHost.StartAsync(grains, _database.ConnectionString, new() { ["Privacy:HashKey"] = OtherHashKey });
        const string query = "query($after: String) { customers(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";

        var seen = new List<string>();
        string? after = null;
        string? firstCursor = null;
        for (var page = 0; page < 10; page++)
        {
            var host = page % 2 == 0 ? first : second;
            var response = await host.Http.QueryAsync(query, new { after });
            var connection = response.Json["data"]!["customers"]!;
            seen.AddRange(connection["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
            if (!connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
                break;
            after = connection["pageInfo"]!["endCursor"]!.GetValue<string>();
            firstCursor ??= after;
            Assert.DoesNotContain(seen[^1], Encoding.Latin1.GetString(Base64Url.DecodeFromChars(after)), StringComparison.Ordinal);
        }
        Assert.Equal(customers.Order(StringComparer.Ordinal), seen);

        var refused = await stranger.Http.QueryAsync(query, new { after = firstCursor });
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Equal(("Argument 'after' is not a cursor of this list: pass a pageInfo.endCursor returned by the same field.", "[\"customers\"]", "INVALID_CURSOR"),
            refused.Error);
        var foreign = await first.Http.QueryAsync("query($after: String) { contactCounts(after: $after) { totalCount } }", new { after = firstCursor });
        Assert.Equal(("Argument 'after' is not a cursor of this list: pass a pageInfo.endCursor returned by the same field.", "[\"contactCounts\"]", "INVALID_CURSOR"),
            foreign.Error);
    }
}
