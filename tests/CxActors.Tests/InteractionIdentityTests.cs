namespace CxActors.Tests;

/// <summary>
/// interaction_id values are stored: the hash of an identity must never change, or re-deliveries of old records
/// would be taken for new ones. The expected values are SHA-256 of the documented key text, computed outside .NET.
/// </summary>
public sealed class InteractionIdentityTests
{
    [Fact]
    public void A_natural_identity_hashes_customer_channel_and_start_ticks()
    {
        // sha256("nat\nana@example.com\nCHAT\n638396640000000000"), first 16 bytes in hex
        Assert.Equal("b5261147fd65cc672f34adf92067d0cf",
            InteractionIdentity.Compute("ana@example.com", Channel.Chat, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null));
    }

    [Fact]
    public void A_source_identity_hashes_customer_channel_and_source_id_whatever_the_start()
    {
        // sha256("src\nzé@exemplo.com.br\nPHONE\nticket-1") in UTF-8, first 16 bytes in hex
        var expected = "15a20f8c8bd940fffe6a3d18b857c4be";
        Assert.Equal(expected, InteractionIdentity.Compute("zé@exemplo.com.br", Channel.Phone, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), "ticket-1"));
        Assert.Equal(expected, InteractionIdentity.Compute("zé@exemplo.com.br", Channel.Phone, new DateTime(2020, 5, 5, 0, 0, 0, DateTimeKind.Utc), "ticket-1"));
    }

    [Fact]
    public void Long_keys_hash_like_short_ones()
    {
        var customer = new string('x', 300) + "@example.com";
        var a = InteractionIdentity.Compute(customer, Channel.Email, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null);
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, InteractionIdentity.Compute(customer, Channel.Email, new DateTime(2024, 1, 1, 0, 0, 1, DateTimeKind.Utc), null));
    }
}
