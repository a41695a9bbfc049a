using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Generator;

/// <summary>
/// One real Generator process on the tiny forged Qwen2.5, shared by the Generator test classes (run one after
/// another: the admission tests need the single slot to themselves). One sequence at a time, one queued call, and a
/// max_new_tokens limit high enough that a "long" generation outlives every bounded wait in the tests.
/// </summary>
public sealed class GeneratorProcessFixture : IAsyncLifetime
{
    public const int MaxNewTokensLimit = 30_000;

    private ServiceProcess? _process;

    public ServiceProcess Process => _process ?? throw new InvalidOperationException("The generator process is not started.");

    public Contracts.V1.Generator.GeneratorClient Client => new(Process.Channel);

    public static string ModelDirectory => TestAssets.TinyModel("qwen2.5");

    public async Task InitializeAsync()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(TimeSpan.FromMinutes(9));
        _process = await ServiceProcess.StartAsync(new ServiceProcessOptions(
            TestPaths.ServiceDll("services/Generator", "RagPlatform.Generator"), "rag.v1.Generator")
        {
            Environment = new Dictionary<string, string?>
            {
                ["Generator__ModelDirectory"] = ModelDirectory,
                // The admission tests watch for the "queued" Debug line.
                ["Logging__LogLevel__RagPlatform.Generator"] = "Debug",
                ["Generator__IntraOpThreads"] = "1",
                ["Generator__MaxConcurrentSequences"] = "1",
                ["Generator__MaxQueuedRequests"] = "1",
                ["Generator__MaxNewTokensLimit"] = MaxNewTokensLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        });
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>Reads a whole stream, bounded by <paramref name="timeout"/>.</summary>
    public async Task<List<GenerateChunk>> GenerateAllAsync(GenerateRequest request, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var call = Client.Generate(request, new CallOptions(cancellationToken: cts.Token));
        var chunks = new List<GenerateChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>A generation that would run far longer than any test waits.</summary>
    public static GenerateRequest LongRequest() => new() { Prompt = "Tell me a very long story.", MaxNewTokens = MaxNewTokensLimit - 100 };

    public static GenerateRequest ShortRequest(int tokens = 3) => new() { Prompt = "Hello there", MaxNewTokens = tokens };
}

[CollectionDefinition(Name)]
public sealed class GeneratorProcessCollection : ICollectionFixture<GeneratorProcessFixture>
{
    public const string Name = "Generator process";
}
