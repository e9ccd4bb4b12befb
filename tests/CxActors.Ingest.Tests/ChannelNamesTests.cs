namespace CxActors.Ingest.Tests;

public sealed class ChannelNamesTests
{
    [Theory]
    [InlineData("phone", IngestFormat.Phone, "phone")]
    [InlineData(" URA ", IngestFormat.Phone, "phone")]
    [InlineData("Chat", IngestFormat.Chat, "chat")]
    [InlineData("whatsapp", IngestFormat.WhatsApp, "whatsapp")]
    [InlineData("EMAIL", IngestFormat.Email, "email")]
    [InlineData("canonical", IngestFormat.Canonical, "canonical")]
    [InlineData("interactions", IngestFormat.Canonical, "canonical")]
    public void Names_and_aliases_resolve_to_a_format_and_the_rejections_name(string name, IngestFormat format, string resolved)
    {
        Assert.True(IngestFormats.TryParse(name, out var f, out var r));
        Assert.Equal((format, resolved), (f, r));
        Assert.Equal(resolved, IngestFormats.Name(format));
    }

    [Fact]
    public void Native_names_their_channels_and_endpoints()
    {
        Assert.Equal(["phone", "chat", "whatsapp", "email"], ChannelNames.Native);
        Assert.Equal(Channel.Phone, ChannelNames.ChannelOf("ura"));
        Assert.Equal(Channel.WhatsApp, ChannelNames.ChannelOf("whatsapp"));
        Assert.Null(ChannelNames.ChannelOf("canonical"));
        Assert.Equal("/ingest/phone", ChannelNames.EndpointPath("URA"));
        Assert.Equal("/ingest/interactions", ChannelNames.EndpointPath("canonical"));
        Assert.True(ChannelNames.TryResolveNative("ura", out var phone));
        Assert.Equal("phone", phone);
        Assert.False(ChannelNames.TryResolveNative("canonical", out var none));
        Assert.Equal("", none);
        Assert.False(IngestFormats.TryParse("fax", out _, out _));
        Assert.True(IngestFormats.IsCsv(IngestFormat.Email));
        Assert.False(IngestFormats.IsCsv(IngestFormat.Chat));
    }

    [Fact]
    public void Customer_ids_normalise_as_the_adapters_do()
    {
        Assert.Equal("paulo@email.com", CustomerIds.Normalize("  Paulo@Email.COM "));
        Assert.True(CustomerIds.TryNormalizeEmail(" Paulo@Email.COM ", out var email));
        Assert.Equal(CustomerIds.Normalize(" Paulo@Email.COM "), email);
    }
}
