namespace RagPlatform.Grpc.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class PercentEncodingTests
{
    [Fact]
    public void Encode_PrintableAscii_IsUnchanged()
    {
        const string message = "Invalid argument: texts[3] is empty (max 256).";

        Assert.Same(message, PercentEncoding.Encode(message));
    }

    [Fact]
    public void Encode_NonAsciiAndPercent_AreEscapedAsUtf8()
    {
        Assert.Equal("100%25 d%C3%A9j%C3%A0%0A", PercentEncoding.Encode("100% déjà\n"));
    }

    [Fact]
    public void EncodeThenDecode_NonAsciiMessage_RoundTrips()
    {
        const string message = "données invalides — 日本語 🚀 %41";

        var encoded = PercentEncoding.Encode(message);

        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(message, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%", "%")]
    [InlineData("50%", "50%")]
    [InlineData("%zz ok", "%zz ok")]
    [InlineData("%4", "%4")]
    [InlineData("%41%42", "AB")]
    [InlineData("%c3%a9", "é")]
    public void Decode_MalformedEscapes_AreKeptAsIs(string encoded, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(encoded));
    }
}
