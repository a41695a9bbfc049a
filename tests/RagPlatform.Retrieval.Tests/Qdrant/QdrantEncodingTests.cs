using RagPlatform.Retrieval.Qdrant;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>The Qdrant index's own encodings and settings, without a server.</summary>
[Trait("Category", "Unit")]
public sealed class QdrantEncodingTests
{
    [Theory]
    [InlineData("doc-1", "6fc1903a-7fa4-58de-9f58-317b10074259")]
    [InlineData("ünïcødé ✓", "fb8a4918-6263-5285-a6f7-1e53bfe174a1")]
    public void PointId_IsTheVersion5UuidOfTheStringId(string id, string expected) =>
        Assert.Equal(Guid.Parse(expected), QdrantPointId.For(id)); // expected values from Python's uuid.uuid5 with the same namespace

    [Fact]
    public void SparseTermHash_IsFnv1a32() // expected values computed independently in Python
    {
        Assert.Equal(3826002220u, SparseTermEncoder.Hash("a"));
        Assert.Equal(108289031u, SparseTermEncoder.Hash("cat"));
    }

    [Theory]
    [InlineData("http://qdrant", "http://qdrant:6334/")]
    [InlineData("http://qdrant:6334", "http://qdrant:6334/")]
    [InlineData("https://qdrant.example:443", "https://qdrant.example/")]
    [InlineData("http://[::1]", "http://[::1]:6334/")]
    [InlineData("http://10.0.0.5:7000/", "http://10.0.0.5:7000/")]
    public void GrpcAddress_NoPort_IsQdrantsGrpcPort(string endpoint, string expected) =>
        Assert.Equal(new Uri(expected), new QdrantIndexOptions { Endpoint = new Uri(endpoint) }.GrpcAddress);

    [Theory]
    [InlineData("ftp://qdrant:6334", null, "absolute http(s) URL")]
    [InlineData("http://qdrant:6334/collections", null, "no path")]
    [InlineData("http://qdrant:6334", "ab12", "needs an https:// endpoint")]
    [InlineData("https://qdrant:6334", "ab12", "64 hex digits")]
    public void Validate_BadSettings_SayWhatIsWrong(string endpoint, string? thumbprint, string expected)
    {
        var options = new QdrantIndexOptions { Endpoint = new Uri(endpoint), CertificateThumbprint = thumbprint };

        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NamesTheEndpointAndTls_NeverTheKey()
    {
        var options = new QdrantIndexOptions
        {
            Endpoint = new Uri("https://qdrant.example"),
            ApiKey = "s3cret-key",
            CertificateThumbprint = new string('a', 64),
        };

        Assert.Equal("https://qdrant.example:6334/ (gRPC, TLS, pinned certificate, API key)", options.ToString());
    }
}
