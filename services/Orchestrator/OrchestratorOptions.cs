using RagPlatform.Retrieval;

namespace RagPlatform.Orchestrator;

public enum IndexProvider
{
    /// <summary>The durable on-disk index inside this process (the default; no server to run).</summary>
    Embedded,
    /// <summary>A Qdrant server over its gRPC API (Qdrant.Client), for collections beyond one machine.</summary>
    Qdrant,
}

/// <summary>Where the orchestrator keeps its state and which index it uses; section "Orchestrator".</summary>
public sealed class OrchestratorOptions
{
    public const string SectionName = "Orchestrator";

    /// <summary>
    /// Holds the embedded index (index/), the document status queue (documents.db), stored uploads (uploads/) and the
    /// embedder's tokenizer cache. A relative path is taken from the working directory.
    /// </summary>
    public string DataDirectory { get; set; } = ".data/orchestrator";

    public IndexProvider Index { get; set; } = IndexProvider.Embedded;

    /// <summary>
    /// Qdrant's gRPC endpoint when <see cref="Index"/> is Qdrant, e.g. http://qdrant:6334 (6334 when no port is
    /// given). https:// turns TLS on.
    /// </summary>
    public string? QdrantUrl { get; set; }

    /// <summary>Sent as Qdrant's api-key metadata when set.</summary>
    public string? QdrantApiKey { get; set; }

    /// <summary>
    /// With an https:// <see cref="QdrantUrl"/>: the SHA-256 thumbprint of Qdrant's (self-signed) certificate, accepted
    /// instead of the system's trusted roots.
    /// </summary>
    public string? QdrantCertificateThumbprint { get; set; }

    /// <summary>The deadline of each call to Qdrant (an upsert of one batch, a search, ...).</summary>
    public TimeSpan QdrantCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A collection switches from exact search to HNSW at this many chunks (embedded index).</summary>
    public int HnswThreshold { get; set; } = 20_000;

    /// <summary>How often each model service's Info (its model, and whether its weights are forged) is asked again.</summary>
    public TimeSpan ModelInfoRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a model service that has not described its model yet (down, or still starting) is asked again.</summary>
    public TimeSpan ModelInfoRetry { get; set; } = TimeSpan.FromSeconds(2);

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{SectionName}:DataDirectory is required.";
        }

        if (!Enum.IsDefined(Index))
        {
            yield return $"{SectionName}:Index must be Embedded or Qdrant (was {Index}).";
        }

        if (Index == IndexProvider.Qdrant && QdrantProblem() is { } qdrant)
        {
            yield return qdrant;
        }

        if (HnswThreshold < 1)
        {
            yield return $"{SectionName}:HnswThreshold must be positive (was {HnswThreshold}).";
        }

        if (ModelInfoRefresh <= TimeSpan.Zero || ModelInfoRetry <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ModelInfoRefresh and {SectionName}:ModelInfoRetry must be positive (were {ModelInfoRefresh} and {ModelInfoRetry}).";
        }
    }

    public EmbeddedIndexOptions EmbeddedIndex() => new()
    {
        RootDirectory = Path.Combine(FullDataDirectory, "index"),
        HnswThreshold = HnswThreshold,
    };

    public QdrantIndexOptions QdrantIndex() => new()
    {
        Endpoint = new Uri(QdrantUrl!),
        ApiKey = QdrantApiKey,
        CertificateThumbprint = QdrantCertificateThumbprint,
        CallTimeout = QdrantCallTimeout,
    };

    private string? QdrantProblem()
    {
        if (!Uri.TryCreate(QdrantUrl, UriKind.Absolute, out _))
        {
            return $"{SectionName}:QdrantUrl must be Qdrant's gRPC URL, e.g. http://qdrant:6334, when {SectionName}:Index is Qdrant (was '{QdrantUrl}').";
        }

        try
        {
            QdrantIndex().Validate();
            return null;
        }
        catch (ArgumentException e)
        {
            return $"{SectionName}:Qdrant settings are invalid: {e.Message}";
        }
    }
}
