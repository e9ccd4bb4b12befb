namespace CxActors.Ingest.Tests;

/// <summary>Phones to E.164 in the default region BR: the table of <see cref="Phones.TryNormalize"/>, then through an adapter.</summary>
public sealed class PhoneNormalizationTests
{
    [Theory]
    // The three forms of one mobile number.
    [InlineData("+55 71 99999-0000", "+5571999990000")]
    [InlineData("(71) 99999-0000", "+5571999990000")]
    [InlineData("71999990000", "+5571999990000")]
    // Punctuation, the country code without '+', the trunk prefix 0 and a carrier-selection code (0 + 21).
    [InlineData(" 71.99999.0000 ", "+5571999990000")]
    [InlineData("71 99999/0000", "+5571999990000")]
    [InlineData("5571999990000", "+5571999990000")]
    [InlineData("+55 (71) 9 9999-0000", "+5571999990000")]
    [InlineData("071 99999-0000", "+5571999990000")]
    [InlineData("0 21 71 99999-0000", "+5571999990000")]
    // Landlines, with and without the country code.
    [InlineData("(71) 3333-4444", "+557133334444")]
    [InlineData("+55 71 3333-4444", "+557133334444")]
    [InlineData("07133334444", "+557133334444")]
    [InlineData("(11) 2345-6789", "+551123456789")]
    // Brazil's 8-digit mobiles from before the ninth digit (the seed exports): possible in the home country, kept.
    [InlineData("7199999999", "+557199999999")]
    [InlineData("(21) 9999-9999", "+552199999999")]
    // Foreign numbers need their '+'.
    [InlineData("+1 650 253 0000", "+16502530000")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+351 912 345 678", "+351912345678")]
    public void A_valid_number_becomes_E164(string raw, string expected)
    {
        Assert.True(Phones.TryNormalize(raw, "BR", out var e164, out var problem), problem);
        Assert.Equal(expected, e164);
    }

    [Fact]
    public void A_remembered_answer_is_the_same_answer_and_belongs_to_its_region()
    {
        // Each input twice (the second answer comes from memory), valid and refused alike, with surrounding space that
        // the memory must ignore as the parser does; "(212) 736-5000" is New York's in US and Rio de Janeiro's in BR.
        foreach (var (raw, region, ok, expected) in new[]
                 {
                     ("(71) 99999-0000", "BR", true, "+5571999990000"),
                     ("  (71) 99999-0000 ", "BR", true, "+5571999990000"),
                     ("123", "BR", false, "too short"),
                     ("(212) 736-5000", "US", true, "+12127365000"),
                     ("(212) 736-5000", "BR", true, "+552127365000"),
                     ("(212) 736-5000", "US", true, "+12127365000"),
                 })
        {
            for (var round = 0; round < 2; round++)
            {
                Assert.Equal(ok, Phones.TryNormalize(raw, region, out var e164, out var problem));
                Assert.Equal(ok ? (expected, "") : ("", expected), (e164, problem));
            }
        }
    }

    [Theory]
    [InlineData("123", "too short")]
    [InlineData("+55 71 9", "too short")]
    [InlineData("719999900001", "too long")]
    [InlineData("+999 1234567", "unknown country code")]
    [InlineData("abc", "only digits, spaces, a leading '+' and - ( ) . / are allowed")]
    [InlineData("1-800-FLOWERS", "only digits, spaces, a leading '+' and - ( ) . / are allowed")]
    [InlineData("71 99999-0000 ramal 12", "only digits, spaces, a leading '+' and - ( ) . / are allowed")]
    [InlineData("71+999990000", "'+' only at the start")]
    [InlineData("()--", "no digits")]
    [InlineData("+1 650 253 000", "too short")]
    [InlineData("+1 123 456 7890", "not a valid number")] // a possible length abroad is not enough: no US area code starts with 1
    [InlineData("+44 20 7946 095", "not a valid number")]
    public void An_invalid_number_is_refused_with_its_problem(string raw, string problem)
    {
        Assert.False(Phones.TryNormalize(raw, "BR", out var e164, out var actual));
        Assert.Equal(("", problem), (e164, actual));
    }

    [Fact]
    public void Input_longer_than_64_characters_is_refused_before_parsing()
    {
        Assert.False(Phones.TryNormalize(new string('9', 65), "BR", out _, out var problem));
        Assert.Equal("longer than 64 characters", problem);
    }

    [Theory]
    [InlineData("US", "(650) 253-0000", "+16502530000")]
    [InlineData("PT", "912 345 678", "+351912345678")]
    public void The_default_region_reads_numbers_without_a_country_code(string region, string raw, string expected)
    {
        Assert.True(Phones.TryNormalize(raw, region, out var e164, out _));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("+5571999990000", "71999990000")]
    [InlineData("+16502530000", "6502530000")]
    [InlineData("71999990000", null)]
    public void National_digits_of_an_E164_number(string e164, string? expected) => Assert.Equal(expected, Phones.NationalDigits(e164));

    [Fact]
    public async Task The_canonical_adapter_stores_E164_and_rejects_an_invalid_phone_with_a_reason()
    {
        var records = await TestSupport.ReadAsync(IngestFormat.Canonical,
            """
            [{"customer": "a@x.com", "phone": "(71) 99999-0000", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"},
             {"customer": "a@x.com", "phone": "123", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"},
             {"phone": 71999990000, "channel": "PHONE", "startedAt": "2019-08-01T09:15:27Z"}]
            """);
        Assert.Equal(3, records.Count);
        Assert.Equal("+5571999990000", records[0].Draft!.Phone);
        Assert.Null(records[1].Draft);
        Assert.Equal("phone: '123' is not a valid phone number (too short)", records[1].Reason);
        Assert.Equal("+5571999990000", records[2].Draft!.Phone);
    }
}
