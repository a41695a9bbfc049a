namespace RagPlatform.Grpc.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class MetadataTests
{
    [Fact]
    public void Add_MixedCaseKey_IsLowerCased()
    {
        var metadata = new Metadata { { "X-Request-Id", "abc" } };

        Assert.Equal("x-request-id", metadata[0].Key);
        Assert.Equal("abc", metadata.GetValue("x-request-id"));
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("bad:key")]
    [InlineData("")]
    public void Add_InvalidKey_Throws(string key)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Metadata { { key, "v" } });
    }

    [Fact]
    public void Add_BinaryKeyWithString_OrStringKeyWithBytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata { { "trace-bin", "text" } });
        Assert.Throws<ArgumentException>(() => new Metadata { { "trace", new byte[] { 1 } } });
    }

    [Fact]
    public void Add_NonAsciiStringValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata { { "x-name", "déjà" } });
    }

    [Fact]
    public void Get_ReturnsTheLastEntryWithTheKey()
    {
        var metadata = new Metadata { { "k", "1" }, { "k", "2" } };

        Assert.Equal("2", metadata.GetValue("k"));
        Assert.Equal(["1", "2"], metadata.GetAll("k").Select(e => e.Value));
    }

    [Fact]
    public void AddHeaderValue_UnpaddedAndCommaJoinedBase64_DecodesEachValue()
    {
        var metadata = new Metadata();

        MetadataHeaders.AddHeaderValue(metadata, "x-data-bin", "AQI, AwQF");

        Assert.Equal([new byte[] { 1, 2 }, new byte[] { 3, 4, 5 }], metadata.Select(e => e.ValueBytes));
    }

    [Fact]
    public void AddHeaderValue_UndecodableBinary_IsSkipped()
    {
        var metadata = new Metadata();

        MetadataHeaders.AddHeaderValue(metadata, "x-data-bin", "!!!not base64");

        Assert.Empty(metadata);
    }

    [Fact]
    public void EncodeValue_Binary_IsPaddedBase64()
    {
        Assert.Equal("AQI=", MetadataHeaders.EncodeValue(new Metadata.Entry("x-bin", [1, 2])));
    }
}
