using RagPlatform.Retrieval;

namespace RagPlatform.Orchestrator;

public enum IndexProvider
{
    /// <summary>The durable on-disk index inside this process (the default; no server to run).</summary>
    Embedded,
    /// <summary>A Qdrant server over its REST API, for collections beyond one machine.</summary>
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

    /// <summary>Qdrant's REST address when <see cref="Index"/> is Qdrant, e.g. http://qdrant:6333.</summary>
    public string? QdrantUrl { get; set; }

    /// <summary>Sent as Qdrant's api-key header when set.</summary>
    public string? QdrantApiKey { get; set; }

    /// <summary>A collection switches from exact search to HNSW at this many chunks (embedded index).</summary>
    public int HnswThreshold { get; set; } = 20_000;

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

        if (Index == IndexProvider.Qdrant && !Uri.TryCreate(QdrantUrl, UriKind.Absolute, out _))
        {
            yield return $"{SectionName}:QdrantUrl must be an absolute http(s) URL when {SectionName}:Index is Qdrant (was '{QdrantUrl}').";
        }

        if (HnswThreshold < 1)
        {
            yield return $"{SectionName}:HnswThreshold must be positive (was {HnswThreshold}).";
        }
    }

    public EmbeddedIndexOptions EmbeddedIndex() => new()
    {
        RootDirectory = Path.Combine(FullDataDirectory, "index"),
        HnswThreshold = HnswThreshold,
    };

    public QdrantIndexOptions QdrantIndex() => new() { BaseAddress = new Uri(QdrantUrl!), ApiKey = QdrantApiKey };
}
