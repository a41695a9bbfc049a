using RagPlatform.Storage;

namespace RagPlatform.Gateway.Storage;

/// <summary>The gateway's tables in PostgreSQL, as versioned migrations (component "gateway").</summary>
internal static class GatewaySchema
{
    public const string Component = "gateway";

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "API keys, per-key token buckets and in-flight answer leases", """
            CREATE TABLE rag_api_keys (
                id text PRIMARY KEY,
                name text NOT NULL,
                key_hash bytea NOT NULL UNIQUE,
                collections text[] NOT NULL,
                admin boolean NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE rag_rate_buckets (
                key_id text PRIMARY KEY,
                tokens double precision NOT NULL,
                refilled_at timestamptz NOT NULL);
            CREATE TABLE rag_ask_leases (
                lease_id uuid PRIMARY KEY,
                key_id text NOT NULL,
                holder text NOT NULL,
                expires_at timestamptz NOT NULL);
            CREATE INDEX rag_ask_leases_by_key ON rag_ask_leases (key_id);
            """),
    ];
}
