using System.Security.Cryptography;
using Npgsql;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>
/// Uploaded bytes in PostgreSQL (bytea, one row per version, at most the upload limit each), so every orchestrator
/// replica reads what any of them stored. Durable once the insert commits. Locator: postgres:{collection}/{document id}/{name}.
/// </summary>
internal sealed class PostgresBlobStore(PostgresDatabase database) : IBlobStore
{
    private const string Scheme = "postgres:";

    public static string Locator(string collection, string documentId, string name) => $"{Scheme}{collection}/{documentId}/{name}";

    public async Task<string> StoreAsync(string collection, string documentId, string extension, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(content.Span)) + extension.ToLowerInvariant();
        await database.ExecuteAsync("""
            INSERT INTO rag_document_blobs (collection, document_id, name, size_bytes, content) VALUES (@c, @d, @n, @size, @content)
            ON CONFLICT DO NOTHING;
            """, cancellationToken, new("c", collection), new("d", documentId), new("n", name), new("size", (long)content.Length),
            new NpgsqlParameter<ReadOnlyMemory<byte>>("content", content)).ConfigureAwait(false);
        return Locator(collection, documentId, name);
    }

    public async Task<byte[]> ReadAsync(string sourcePath, long maxBytes, CancellationToken cancellationToken)
    {
        var (collection, documentId, name) = Parse(sourcePath);
        var rows = await database.QueryAsync("""
            SELECT size_bytes, CASE WHEN size_bytes <= @max THEN content END FROM rag_document_blobs
            WHERE collection = @c AND document_id = @d AND name = @n;
            """, reader => (Size: reader.GetInt64(0), Content: reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1)), cancellationToken,
            new("c", collection), new("d", documentId), new("n", name), new("max", maxBytes)).ConfigureAwait(false);
        return rows switch
        {
            [] => throw new DocumentRejectedException("The stored upload is gone."),
            [{ Content: null } row] => throw new DocumentRejectedException($"The file is {row.Size} bytes, over the limit of {maxBytes}."),
            [var row] => row.Content!,
            _ => throw new InvalidOperationException("The blob key matched several rows."),
        };
    }

    public Task<int> DeleteOtherVersionsAsync(string collection, string documentId, string keep, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM rag_document_blobs WHERE collection = @c AND document_id = @d AND @prefix || name <> @keep;",
            cancellationToken, new("c", collection), new("d", documentId), new("prefix", Locator(collection, documentId, "")), new("keep", keep));

    public Task<int> DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM rag_document_blobs WHERE collection = @c AND document_id = @d;",
            cancellationToken, new("c", collection), new("d", documentId));

    public Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken) =>
        database.ExecuteAsync("DELETE FROM rag_document_blobs WHERE collection = @c;", cancellationToken, new NpgsqlParameter("c", collection));

    /// <summary>Documents holding a version their queue row does not name (or having no row): one query, not a scan per document.</summary>
    public async Task<IReadOnlyList<(string Collection, string DocumentId)>> SweepCandidatesAsync(CancellationToken cancellationToken) =>
        await database.QueryAsync("""
            SELECT DISTINCT b.collection, b.document_id FROM rag_document_blobs b
            LEFT JOIN rag_documents d ON d.collection = b.collection AND d.document_id = b.document_id
                AND d.source_path = @scheme || b.collection || '/' || b.document_id || '/' || b.name
            WHERE d.document_id IS NULL;
            """, reader => (reader.GetString(0), reader.GetString(1)), cancellationToken, new NpgsqlParameter("scheme", Scheme)).ConfigureAwait(false);

    public Task TidyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<long?> AvailableBytesAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    private static (string Collection, string DocumentId, string Name) Parse(string locator) =>
        locator.StartsWith(Scheme, StringComparison.Ordinal) && locator[Scheme.Length..].Split('/') is [var collection, var documentId, var name]
            ? (collection, documentId, name)
            : throw new DocumentRejectedException($"'{locator}' is not a PostgreSQL blob locator.");
}
