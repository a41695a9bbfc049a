using RagPlatform.Storage;

namespace RagPlatform.Gateway.Storage;

/// <summary>
/// Where the gateway keeps API keys and per-key limits; keys of section "Gateway" (Gateway:Store,
/// Gateway:PostgresConnectionString, ...). Embedded: keys.db in the data directory and limits in memory, one replica.
/// Postgres: keys, token buckets and answer slots shared by every gateway.
/// </summary>
public sealed class GatewayStoreOptions : StoreOptions
{
    /// <summary>
    /// Postgres: longest a gateway trusts its in-memory copy of the keys; a key revoked elsewhere is refused here within
    /// it (plus one query). Keep it under a second.
    /// </summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Postgres: how long an answer slot stays taken without renewal (a dead gateway's slots free after it).</summary>
    public TimeSpan AskLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        foreach (var problem in ValidateStore(GatewayOptions.SectionName))
        {
            yield return problem;
        }

        if (KeyCacheTtl < TimeSpan.Zero || KeyCacheTtl > TimeSpan.FromMinutes(1))
        {
            yield return $"{GatewayOptions.SectionName}:KeyCacheTtl must be 0 to 1 min (was {KeyCacheTtl}).";
        }

        if (AskLeaseDuration < TimeSpan.FromSeconds(1) || AskLeaseDuration > TimeSpan.FromHours(1))
        {
            yield return $"{GatewayOptions.SectionName}:AskLeaseDuration must be 1 s to 1 h (was {AskLeaseDuration}).";
        }
    }
}
