namespace RagPlatform.Orchestrator.Tests.Unit;

/// <summary>Orchestrator:Qdrant* settings: checked at start with the index's own rules, handed to the index whole.</summary>
[Trait("Category", "Unit")]
public sealed class QdrantOptionsTests
{
    [Theory]
    [InlineData(null, null, "QdrantUrl must be Qdrant's gRPC URL")]
    [InlineData("qdrant:6334", null, "absolute http(s) URL")]
    [InlineData("http://qdrant:6334", "ab", "needs an https:// endpoint")]
    [InlineData("http://qdrant:6334", null, "CallTimeout", 0)]
    public void Validate_QdrantIndexWithBadSettings_NamesTheProblem(string? url, string? thumbprint, string expected, int timeoutSeconds = 30)
    {
        var options = new OrchestratorOptions
        {
            Index = IndexProvider.Qdrant,
            QdrantUrl = url,
            QdrantCertificateThumbprint = thumbprint,
            QdrantCallTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        };

        Assert.Contains(options.Validate(), problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EmbeddedIndex_IgnoresQdrantSettings() =>
        Assert.Empty(new OrchestratorOptions { Index = IndexProvider.Embedded, QdrantUrl = "not a url" }.Validate());

    [Fact]
    public void QdrantIndex_CarriesEverySetting_AndDefaultsToTheGrpcPort()
    {
        var thumbprint = new string('0', 64);
        var options = new OrchestratorOptions
        {
            Index = IndexProvider.Qdrant,
            QdrantUrl = "https://qdrant.internal",
            QdrantApiKey = "key",
            QdrantCertificateThumbprint = thumbprint,
        };

        var qdrant = options.QdrantIndex();

        Assert.Empty(options.Validate());
        Assert.Equal(new Uri("https://qdrant.internal:6334/"), qdrant.GrpcAddress);
        Assert.True(qdrant.UsesTls);
        Assert.Equal(("key", thumbprint), (qdrant.ApiKey, qdrant.CertificateThumbprint));
    }
}
