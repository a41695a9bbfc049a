using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>The orchestrator's tables in PostgreSQL, as versioned migrations (component "orchestrator").</summary>
internal static class OrchestratorSchema
{
    public const string Component = "orchestrator";

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "documents, their queue leases and uploaded bytes", """
            -- Ids compare byte by byte (COLLATE "C"), as in SQLite: the document list pages by id.
            CREATE TABLE rag_documents (
                collection text COLLATE "C" NOT NULL,
                document_id text COLLATE "C" NOT NULL,
                state text NOT NULL CHECK (state IN ('Queued', 'Indexing', 'Indexed', 'Failed')),
                source_path text NOT NULL,
                size_bytes bigint NOT NULL,
                content_hash text,
                chunk_count integer NOT NULL DEFAULT 0,
                error text,
                attempts integer NOT NULL DEFAULT 0,
                queued_at timestamptz NOT NULL,
                indexed_at timestamptz,
                updated_at timestamptz NOT NULL,
                lease_token uuid,
                lease_owner text,
                lease_expires_at timestamptz,
                PRIMARY KEY (collection, document_id));
            -- Only the work to do: Indexed and Failed rows, the bulk of the table, stay out of the claim's index.
            CREATE INDEX rag_documents_pending ON rag_documents (queued_at) WHERE state IN ('Queued', 'Indexing');
            CREATE TABLE rag_document_blobs (
                collection text COLLATE "C" NOT NULL,
                document_id text COLLATE "C" NOT NULL,
                name text NOT NULL,
                size_bytes bigint NOT NULL,
                content bytea NOT NULL,
                stored_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (collection, document_id, name));
            """),
    ];
}
