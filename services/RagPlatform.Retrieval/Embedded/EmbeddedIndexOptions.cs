using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval;

/// <summary>Settings of <see cref="EmbeddedIndex"/>; bind from configuration, then <see cref="Validate"/> (done on open).</summary>
public sealed record EmbeddedIndexOptions
{
    /// <summary>The folder holding the database and the HNSW snapshots; created if missing.</summary>
    public string RootDirectory { get; init; } = "";

    public HnswParameters Hnsw { get; init; } = new();

    /// <summary>A collection switches from exact search to HNSW once it holds this many points.</summary>
    public int HnswThreshold { get; init; } = 20_000;

    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>The k of reciprocal rank fusion in hybrid search.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>How many hits each ranking contributes to hybrid fusion (at least the search limit).</summary>
    public int HybridCandidates { get; init; } = 100;

    public int MaxBatchSize { get; init; } = 10_000;

    /// <summary>Changes after which a collection's HNSW snapshot is rewritten (also written on dispose).</summary>
    public int SnapshotEveryChanges { get; init; } = 10_000;

    /// <summary>Slots are compacted (and the graph rebuilt) once removed points exceed this fraction of them.</summary>
    public double CompactRemovedFraction { get; init; } = 0.25;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(RootDirectory))
        {
            throw new ArgumentException("EmbeddedIndexOptions.RootDirectory is required.", nameof(RootDirectory));
        }

        ArgumentNullException.ThrowIfNull(Hnsw);
        ArgumentNullException.ThrowIfNull(Bm25);
        Hnsw.Validate();
        Bm25.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(HnswThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RrfK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(HybridCandidates, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HybridCandidates, IndexValidation.MaxLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotEveryChanges, 1);
        if (CompactRemovedFraction is not (> 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactRemovedFraction), CompactRemovedFraction, "Must be between 0 and 1.");
        }
    }
}
