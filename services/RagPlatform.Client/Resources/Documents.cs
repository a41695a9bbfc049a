using System.Text.Json.Serialization;

namespace RagPlatform.Client;

/// <summary>The states a document passes through; <see cref="DocumentResource.State"/> holds one of them.</summary>
public static class DocumentStates
{
    public const string Queued = "queued";

    public const string Indexing = "indexing";

    public const string Indexed = "indexed";

    public const string Failed = "failed";
}

/// <summary>A document of a collection and its ingestion status.</summary>
/// <param name="State">One of <see cref="DocumentStates"/>.</param>
/// <param name="Error">Why indexing failed, when it did.</param>
/// <param name="Attempts">Indexing attempts so far (a worker that died mid-way counts).</param>
public sealed record DocumentResource(
    string Collection,
    string DocumentId,
    string State,
    string? Error,
    int ChunkCount,
    string? ContentHash,
    long SizeBytes,
    int Attempts,
    DateTimeOffset QueuedAt,
    DateTimeOffset? IndexedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Indexed or failed: nothing more will happen to it until it is uploaded again.</summary>
    [JsonIgnore]
    public bool IsSettled => State is DocumentStates.Indexed or DocumentStates.Failed;
}

/// <summary>One page of a collection's documents; <paramref name="NextPageToken"/> is null on the last.</summary>
public sealed record DocumentList(IReadOnlyList<DocumentResource> Documents, string? NextPageToken);

/// <summary>The answer to an upload (202): each file stored and queued, in the order sent.</summary>
public sealed record UploadResult(IReadOnlyList<DocumentResource> Documents);

/// <summary>A file to upload. The gateway picks the parser by <paramref name="FileName"/>'s extension.</summary>
public sealed record UploadFile(string FileName, ReadOnlyMemory<byte> Content);
