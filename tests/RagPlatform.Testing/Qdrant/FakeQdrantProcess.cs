using RagPlatform.Launcher;

namespace RagPlatform.Testing;

/// <summary>
/// tests/RagPlatform.FakeQdrant as a REAL child process on a free loopback port: Qdrant's gRPC API over HTTP/2 for the
/// contract and end-to-end suites. A test project that starts it references that project with
/// ReferenceOutputAssembly="false" so it is built first (its types share Qdrant.Client's namespace and must not be loaded).
/// </summary>
public sealed class FakeQdrantProcess : IAsyncDisposable
{
    /// <summary>
    /// Metadata that makes the fake stop an UpdateBatch after that many operations, keeping them, and answer Unavailable:
    /// what a client sees when Qdrant dies mid-batch (the fake's FakePointsService.FailAfterOperationsHeader).
    /// </summary>
    public const string FailAfterOperationsHeader = "fake-qdrant-fail-after-operations";

    private readonly ServiceProcess _process;

    private FakeQdrantProcess(ServiceProcess process, string? apiKey)
    {
        _process = process;
        ApiKey = apiKey;
    }

    /// <summary>The gRPC endpoint, http://127.0.0.1:port (what Orchestrator:QdrantUrl takes).</summary>
    public string Url => _process.Address;

    public string? ApiKey { get; }

    public static async Task<FakeQdrantProcess> StartAsync(string? apiKey = null)
    {
        var dll = TestPaths.ServiceDll("tests/RagPlatform.FakeQdrant", "RagPlatform.FakeQdrant");
        var process = ServiceProcess.Launch(new ServiceProcessOptions(dll, HealthService: null)
        {
            Environment = new Dictionary<string, string?> { ["FakeQdrant__Url"] = "http://127.0.0.1:0", ["FakeQdrant__ApiKey"] = apiKey },
        });
        try
        {
            // Nothing to load: listening is ready.
            await process.WaitForListeningAsync(TimeSpan.FromSeconds(60));
            return new FakeQdrantProcess(process, apiKey);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
