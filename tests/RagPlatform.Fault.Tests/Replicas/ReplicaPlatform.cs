using Npgsql;
using RagPlatform.Client;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Retrieval;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Fault.Tests.Replicas;

/// <summary>
/// The scaled platform as REAL processes: two orchestrators and two gateways over one PostgreSQL database (a throw-away
/// Debian server) and one Qdrant (the fake Qdrant process), with the three model services. Gateway A calls
/// orchestrator A and gateway B orchestrator B, so a request through one gateway and a check through the other
/// crosses replicas on every hop that holds state.
/// </summary>
public sealed class ReplicaPlatform : IAsyncDisposable
{
    public static readonly ServiceInstance OrchestratorA = new(PlatformService.Orchestrator, 0);
    public static readonly ServiceInstance OrchestratorB = new(PlatformService.Orchestrator, 1);
    public static readonly ServiceInstance GatewayA = new(PlatformService.Gateway, 0);
    public static readonly ServiceInstance GatewayB = new(PlatformService.Gateway, 1);

    /// <summary>Bound on any one step of a replica test (a start, a request, a settle).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _data;
    private readonly FakeQdrantProcess _qdrant;

    private ReplicaPlatform(DirectoryInfo data, PostgresServer postgres, string connectionString, FakeQdrantProcess qdrant, RunningPlatform platform)
    {
        _data = data;
        Postgres = postgres;
        ConnectionString = connectionString;
        _qdrant = qdrant;
        Platform = platform;
        Index = new QdrantIndex(new QdrantIndexOptions { Endpoint = new Uri(qdrant.Url) });
    }

    public PostgresServer Postgres { get; }

    /// <summary>The database every replica shares.</summary>
    public string ConnectionString { get; }

    public RunningPlatform Platform { get; }

    /// <summary>The shared index, read directly (what the replicas wrote, not what they report).</summary>
    public QdrantIndex Index { get; }

    /// <param name="orchestrator">Settings of both orchestrators on top of the shared store and index.</param>
    /// <param name="gateway">Settings of both gateways on top of the shared store.</param>
    /// <param name="instances">Settings of one replica, applied last.</param>
    /// <param name="embedderPort">The embedder's port (<see cref="LoopbackPorts.Free"/>); null lets the launcher pick one.</param>
    public static async Task<ReplicaPlatform> StartAsync(
        IReadOnlyDictionary<string, string?>? orchestrator = null,
        IReadOnlyDictionary<string, string?>? gateway = null,
        IReadOnlyDictionary<ServiceInstance, IReadOnlyDictionary<string, string?>>? instances = null,
        int? embedderPort = null)
    {
        var data = Directory.CreateTempSubdirectory("rag-replicas-");
        PostgresServer? postgres = null;
        FakeQdrantProcess? qdrant = null;
        try
        {
            postgres = await PostgresServer.StartAsync().WaitAsync(Bound);
            var connectionString = await postgres.CreateDatabaseAsync("replicas").WaitAsync(Bound);
            qdrant = await FakeQdrantProcess.StartAsync().WaitAsync(Bound);
            var platform = await RunningPlatform.StartAsync(new PlatformOptions(data.FullName)
            {
                Orchestrators = 2,
                Gateways = 2,
                Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
                {
                    [PlatformService.Orchestrator] = Merge(new Dictionary<string, string?>
                    {
                        ["Orchestrator__Store"] = "Postgres",
                        ["Orchestrator__PostgresConnectionString"] = connectionString,
                        ["Orchestrator__Index"] = "Qdrant",
                        ["Orchestrator__QdrantUrl"] = qdrant.Url,
                    }, orchestrator),
                    [PlatformService.Gateway] = Merge(new Dictionary<string, string?>
                    {
                        ["Gateway__Store"] = "Postgres",
                        ["Gateway__PostgresConnectionString"] = connectionString,
                    }, gateway),
                },
                InstanceSettings = instances ?? new Dictionary<ServiceInstance, IReadOnlyDictionary<string, string?>>(),
                Ports = embedderPort is { } port ? new Dictionary<ServiceInstance, int> { [PlatformService.Embedder] = port } : new Dictionary<ServiceInstance, int>(),
            }).WaitAsync(Bound);
            return new ReplicaPlatform(data, postgres, connectionString, qdrant, platform);
        }
        catch
        {
            await DisposeAllAsync(data, postgres, qdrant, platform: null, index: null);
            throw;
        }
    }

    /// <summary>The typed client of one gateway (the admin key unless told otherwise).</summary>
    public RagPlatformClient Gateway(ServiceInstance gateway, string? apiKey = null, int rateLimitRetries = 10) =>
        Platform.CreateGatewayClient(apiKey, gateway.Replica, TimeSpan.FromSeconds(30), rateLimitRetries);

    /// <summary>
    /// Makes <paramref name="orchestrator"/> fetch the embedder's tokenizer (about 1 MB, on its first ingestion) before a
    /// test slows its embedder down, which would stretch the download past the call's deadline: uploads one document
    /// at a time through <paramref name="gateway"/> (whose uploads wake that orchestrator first) until the tokenizer is
    /// in its data directory.
    /// </summary>
    /// <returns>The documents uploaded (acknowledged: they count among those that must not be lost).</returns>
    public async Task<IReadOnlyList<string>> WarmUpAsync(RagPlatformClient gateway, ServiceInstance orchestrator, string collection)
    {
        var tokenizers = Path.Combine(_data.FullName, orchestrator.Name, "tokenizers");
        var uploaded = new List<string>();
        // Two complete copies: the generator's, which an orchestrator fetches as soon as it learns the generator's model,
        // and the embedder's, which only ingestion fetches (the chunker cuts with it).
        while (!Directory.Exists(tokenizers) || Directory.EnumerateDirectories(tokenizers).Count(d => !d.EndsWith(".partial", StringComparison.Ordinal)) < 2)
        {
            Assert.True(uploaded.Count < 10, $"the {orchestrator} took none of {uploaded.Count} documents uploaded through its gateway");
            var id = $"warm-up-{orchestrator.Name}-{uploaded.Count}";
            await gateway.UploadDocumentAsync(collection, new UploadFile(id + ".txt", "A document that makes an orchestrator fetch its tokenizer."u8.ToArray()), id)
                .WaitAsync(Bound);
            uploaded.Add(id);
            await gateway.WaitUntilSettledAsync(collection, Bound).WaitAsync(Bound);
        }

        return uploaded;
    }

    /// <summary>Documents the orchestrator process <paramref name="pid"/> holds a lease on now (its claims, as the queue records them).</summary>
    public async Task<int> LeasesHeldAsync(int pid) =>
        (int)await ScalarAsync<long>("SELECT count(*) FROM rag_documents WHERE state = 'Indexing' AND lease_owner LIKE '%/' || @pid;",
            new NpgsqlParameter("pid", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Documents of <paramref name="collection"/> claimed more than once (a lease that expired and was taken again).</summary>
    public async Task<int> ReclaimedAsync(string collection) =>
        (int)await ScalarAsync<long>("SELECT count(*) FROM rag_documents WHERE collection = @c AND attempts > 1;", new NpgsqlParameter("c", collection));

    /// <summary>
    /// Waits (through <paramref name="gateway"/>) until every document of <paramref name="collection"/> settled, then
    /// counts, for each acknowledged document, the one chunk it must have: Indexed with one chunk in the registry AND one
    /// point with its id in the shared index. Anything else is a lost chunk.
    /// </summary>
    public async Task<Delivery> CheckAcknowledgedAsync(RagPlatformClient gateway, string collection, IReadOnlyCollection<string> acknowledged)
    {
        var documents = (await gateway.WaitUntilSettledAsync(collection, Bound).WaitAsync(Bound)).ToDictionary(d => d.DocumentId);
        var lost = new List<string>();
        var held = 0L;
        foreach (var id in acknowledged.Order(StringComparer.Ordinal))
        {
            var inIndex = await Index.CountAsync(collection, IngestionPipeline.ByDocument(id)).WaitAsync(Bound);
            held += inIndex;
            if (!documents.TryGetValue(id, out var document) || document.State != DocumentStates.Indexed || document.ChunkCount != 1 || inIndex != 1)
            {
                lost.Add($"{id} ({document?.State ?? "missing"}, {document?.ChunkCount ?? 0} chunks registered, {inIndex} in the index)");
            }
        }

        // A worker killed mid-document must not leave its half behind beside the finished copy.
        var registered = documents.Values.Where(d => d.State == DocumentStates.Indexed).Sum(d => (long)d.ChunkCount);
        var indexed = await Index.CountAsync(collection).WaitAsync(Bound);
        return new Delivery(acknowledged.Count, held, lost, registered, indexed);
    }

    public async ValueTask DisposeAsync() => await DisposeAllAsync(_data, Postgres, _qdrant, Platform, Index);

    private async Task<T> ScalarAsync<T>(string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync().WaitAsync(Bound);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return (T)(await command.ExecuteScalarAsync().WaitAsync(Bound))!;
    }

    private static Dictionary<string, string?> Merge(Dictionary<string, string?> wiring, IReadOnlyDictionary<string, string?>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            wiring[key] = value;
        }

        return wiring;
    }

    private static async Task DisposeAllAsync(DirectoryInfo data, PostgresServer? postgres, FakeQdrantProcess? qdrant, RunningPlatform? platform, QdrantIndex? index)
    {
        if (index is not null)
        {
            await index.DisposeAsync();
        }

        if (platform is not null)
        {
            await platform.DisposeAsync();
        }

        if (qdrant is not null)
        {
            await qdrant.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        data.Delete(recursive: true);
    }
}

/// <summary>What became of the acknowledged documents: each must be one registered chunk and one point in the index.</summary>
/// <param name="ChunksHeld">Points in the index that belong to acknowledged documents.</param>
/// <param name="RegisteredChunks">Chunks of every Indexed document as the registry counts them.</param>
/// <param name="IndexedChunks">Points the index holds for the collection.</param>
public sealed record Delivery(int Acknowledged, long ChunksHeld, IReadOnlyList<string> Lost, long RegisteredChunks, long IndexedChunks)
{
    public string Summary =>
        $"acknowledged documents {Acknowledged}, acknowledged chunks {Acknowledged} (held in the index {ChunksHeld}), acknowledged chunks lost: {Lost.Count}";
}
