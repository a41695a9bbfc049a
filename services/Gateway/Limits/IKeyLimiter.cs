namespace RagPlatform.Gateway.Limits;

/// <summary>
/// The limits every API key is held to: a token bucket of requests (<see cref="GatewayOptions.RequestsPerSecond"/>,
/// burst <see cref="GatewayOptions.RequestBurst"/>) and at most <see cref="GatewayOptions.MaxConcurrentAsksPerKey"/>
/// answers in flight. Implementations: <see cref="InProcessKeyLimiter"/> (one gateway) and
/// <see cref="PostgresKeyLimiter"/> (shared by every gateway replica). Where the database is down, calls throw
/// RagPlatform.Storage.StoreUnavailableException.
/// </summary>
public interface IKeyLimiter
{
    /// <summary>Takes one request from the key's bucket; false when it is empty.</summary>
    Task<bool> TryTakeRequestAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Starts an answer for the key; null when it already has its most in flight. Dispose the result when the answer ends.</summary>
    Task<IAsyncDisposable?> TryStartAskAsync(string keyId, CancellationToken cancellationToken);
}
