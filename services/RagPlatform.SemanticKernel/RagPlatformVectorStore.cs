using System.Linq.Expressions;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using RagPlatform.Client;

namespace RagPlatform.SemanticKernel;

/// <summary>
/// The collections the API key may read, as a Microsoft.Extensions.VectorData store. Records are the gateway's
/// <see cref="PassageResource"/>s keyed by chunk id: <c>GetCollection&lt;string, PassageResource&gt;(name)</c>.
/// Creating and deleting a collection map to the gateway's; records are read-only (see <see cref="RagPlatformCollection"/>).
/// </summary>
public sealed class RagPlatformVectorStore(RagPlatformClient client) : VectorStore
{
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new RagPlatformCollection(client, name) as VectorStoreCollection<TKey, TRecord>
        ?? throw new NotSupportedException($"RagPlatform collections hold {nameof(PassageResource)} records keyed by string chunk ids; ask for GetCollection<string, {nameof(PassageResource)}>.");

    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition) =>
        throw new NotSupportedException($"RagPlatform collections have one fixed record type; use GetCollection<string, {nameof(PassageResource)}>.");

    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var collection in await client.ListCollectionsAsync(cancellationToken))
        {
            yield return collection.Name;
        }
    }

    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) =>
        new RagPlatformCollection(client, name).CollectionExistsAsync(cancellationToken);

    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default) =>
        new RagPlatformCollection(client, name).EnsureCollectionDeletedAsync(cancellationToken);

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(VectorStoreMetadata) ? new VectorStoreMetadata { VectorStoreSystemName = RagPlatformCollection.SystemName }
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType.IsInstanceOfType(client) ? client
        : null;
}

/// <summary>
/// One collection of the platform as a <see cref="VectorStoreCollection{TKey,TRecord}"/>. Search takes the query TEXT
/// (the platform embeds it, retrieves hybrid and reranks, as POST /v1/collections/{c}/search does); the score is the
/// platform's. Records come from ingesting documents, so upserting, deleting and fetching single records throw
/// <see cref="NotSupportedException"/>: upload documents with <see cref="RagPlatformClient.UploadDocumentAsync"/>.
/// </summary>
public sealed class RagPlatformCollection(RagPlatformClient client, string name) : VectorStoreCollection<string, PassageResource>
{
    internal const string SystemName = "ragplatform";

    private const string ReadOnly = "RagPlatform collections are filled by ingesting documents, not by writing records: upload files with "
        + "RagPlatformClient.UploadDocumentAsync (POST /v1/collections/{collection}/documents) and delete them by document id.";

    public override string Name => name;

    /// <summary>False also for a collection the key may not use: it is not in the key's store, as ListCollectionNamesAsync says.</summary>
    public override async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await client.GetCollectionAsync(name, cancellationToken);
            return true;
        }
        catch (RagPlatformException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return false;
        }
    }

    /// <summary>Creates the collection on the platform when it has none of that name.</summary>
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CreateCollectionAsync(name, cancellationToken);
        }
        catch (RagPlatformException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>Deletes the collection with all its documents, as DELETE /v1/collections/{c} does.</summary>
    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await client.DeleteCollectionAsync(name, cancellationToken);
        }
        catch (RagPlatformException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>
    /// The <paramref name="top"/> passages best matching <paramref name="searchValue"/>, a string. Options: Skip is honoured
    /// (more are asked for, the first skipped), ScoreThreshold drops lower scores; a filter or vector input is refused.
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<PassageResource>> SearchAsync<TInput>(TInput searchValue, int top,
        VectorSearchOptions<PassageResource>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (searchValue is not string query)
        {
            throw new NotSupportedException($"RagPlatform searches by query text (string), not by {typeof(TInput).Name}: the platform embeds the query itself.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        if (options?.Filter is not null)
        {
            throw new NotSupportedException("RagPlatform collections take no record filter in search; narrow by document ids through RagPlatformClient.SearchAsync.");
        }

        var skip = options?.Skip ?? 0;
        var found = await client.SearchAsync(name, new SearchRequest(query) { K = top + skip }, cancellationToken);
        foreach (var passage in found.Passages.Skip(skip))
        {
            if (options?.ScoreThreshold is { } threshold && passage.Score < threshold)
            {
                continue;
            }

            yield return new VectorSearchResult<PassageResource>(passage, passage.Score);
        }
    }

    public override Task<PassageResource?> GetAsync(string key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("RagPlatform collections are searched, not read record by record: use SearchAsync.");

    public override IAsyncEnumerable<PassageResource> GetAsync(IEnumerable<string> keys, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("RagPlatform collections are searched, not read record by record: use SearchAsync.");

    public override IAsyncEnumerable<PassageResource> GetAsync(Expression<Func<PassageResource, bool>> filter, int top,
        FilteredRecordRetrievalOptions<PassageResource>? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("RagPlatform collections are searched, not read record by record: use SearchAsync.");

    public override Task UpsertAsync(PassageResource record, CancellationToken cancellationToken = default) => throw new NotSupportedException(ReadOnly);

    public override Task UpsertAsync(IEnumerable<PassageResource> records, CancellationToken cancellationToken = default) => throw new NotSupportedException(ReadOnly);

    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException(ReadOnly);

    public override Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) => throw new NotSupportedException(ReadOnly);

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = SystemName, CollectionName = name }
        : serviceType.IsInstanceOfType(this) ? this
        : null;
}
