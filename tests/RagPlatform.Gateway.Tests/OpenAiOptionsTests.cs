using RagPlatform.Gateway.OpenAi;

namespace RagPlatform.Gateway.Tests;

[Trait("Category", "Unit")]
public sealed class OpenAiOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems() => Assert.Empty(new OpenAiOptions().Validate());

    [Fact]
    public void Validate_ZeroLimits_NameEachKey()
    {
        var problems = new OpenAiOptions { MaxEmbeddingInputs = 0, MaxRerankDocuments = -1, ModelCatalogLifetime = TimeSpan.Zero }.Validate().ToList();

        Assert.Contains(problems, p => p.StartsWith("OpenAi:MaxEmbeddingInputs", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("OpenAi:MaxRerankDocuments", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("OpenAi:ModelCatalogLifetime", StringComparison.Ordinal));
    }
}

/// <summary>The gateway's shared refusals (no key, a rate limit), written as OpenAI's error object under /openai.</summary>
[Trait("Category", "Unit")]
public sealed class OpenAiRefusalTests
{
    [Fact]
    public async Task KeyOverItsBurst_OnOpenAiRoute_429RateLimitExceeded_OpenAiErrorObject()
    {
        using var factory = new GatewayFactory(("Gateway:RequestsPerSecond", "1"), ("Gateway:RequestBurst", "1"));
        using var client = factory.Client();

        // The first request takes the burst (and fails further on: no orchestrator runs here); the second is refused.
        using var first = await client.PostAsync("/openai/v1/rerank", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var refused = await client.PostAsync("/openai/v1/rerank", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        using var error = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task NoKey_OnOpenAiRoute_401InvalidApiKey_ElsewhereProblemJson()
    {
        using var factory = new GatewayFactory();
        using var anonymous = factory.Client(key: null);

        using var openAi = await anonymous.GetAsync("/openai/v1/models");
        using var native = await anonymous.GetAsync("/v1/models");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, openAi.StatusCode);
        using var error = System.Text.Json.JsonDocument.Parse(await openAi.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("application/problem+json", native.Content.Headers.ContentType?.MediaType);
    }
}
