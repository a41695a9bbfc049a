using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using RagPlatform.Client;

namespace RagPlatform.OpenAi.Tests;

/// <summary>
/// One running platform (the tiny forged models) with a collection "docs" of three indexed documents, a collection
/// "secret", and a key that may read "docs" only; OpenAI clients pointed at the gateway's /openai/v1.
/// </summary>
public sealed class OpenAiFixture : IAsyncLifetime
{
    public const string Collection = "openai";
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _data = Directory.CreateTempSubdirectory("rag-openai-").FullName;

    public RunningPlatform Platform { get; private set; } = null!;

    /// <summary>Raw HTTP with the admin key, BaseAddress the gateway.</summary>
    public HttpClient Http { get; private set; } = null!;

    public string DocsOnlyKey { get; private set; } = "";

    public string EmbedderModel { get; private set; } = "";

    public string GeneratorModel { get; private set; } = "";

    public Uri Endpoint => new($"{Platform.GatewayUrl.TrimEnd('/')}/openai/v1");

    public async Task InitializeAsync()
    {
        Platform = await RunningPlatform.StartAsync(new PlatformOptions(_data));
        Http = Platform.CreateClient();
        var gateway = Platform.CreateGatewayClient();
        await gateway.CreateCollectionAsync("docs").WaitAsync(Bound);
        await gateway.CreateCollectionAsync("secret").WaitAsync(Bound);
        foreach (var (name, text) in new[]
        {
            ("volcanoes.md", "# Volcanoes\n\nMount Etna is an active stratovolcano on the east coast of Sicily. It is 3,357 m high.\n\n## Eruptions\n\nEtna erupts often; its lava flows reach the villages below."),
            ("glaciers.txt", "Glaciers form where snow accumulates faster than it melts. The Aletsch Glacier is the largest in the Alps."),
            ("rivers.txt", "The Danube flows through ten countries into the Black Sea."),
        })
        {
            await gateway.UploadDocumentAsync("docs", new UploadFile(name, Encoding.UTF8.GetBytes(text))).WaitAsync(Bound);
        }

        await gateway.WaitUntilSettledAsync("docs", Bound).WaitAsync(Bound);
        DocsOnlyKey = (await gateway.CreateKeyAsync(new CreateKeyRequest("docs-reader", ["docs"])).WaitAsync(Bound)).Key;
        var models = await gateway.GetModelsAsync().WaitAsync(Bound);
        EmbedderModel = models.Services.Single(s => s.Role == "embedder").ModelId!;
        GeneratorModel = models.Services.Single(s => s.Role == "generator").ModelId!;
    }

    /// <summary>The official OpenAI client at /openai/v1 with <paramref name="apiKey"/> (the admin key by default), no retries.</summary>
    public OpenAIClient OpenAi(string? apiKey = null) => new(new ApiKeyCredential(apiKey ?? Platform.ApiKey), new OpenAIClientOptions
    {
        Endpoint = Endpoint,
        NetworkTimeout = Bound,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>The test classes share one platform.</summary>
[CollectionDefinition(OpenAiFixture.Collection)]
public sealed class OpenAiCollection : ICollectionFixture<OpenAiFixture>
{
}
