using System.Threading.RateLimiting;

namespace RagPlatform.Gateway.Limits;

/// <summary>The limits of one gateway, in memory (System.Threading.RateLimiting): per key, a token bucket and a concurrency limit.</summary>
public sealed class InProcessKeyLimiter(GatewayOptions options) : IKeyLimiter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _requests = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RequestBurst,
            TokensPerPeriod = options.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        }));

    private readonly PartitionedRateLimiter<string> _asks = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = options.MaxConcurrentAsksPerKey, QueueLimit = 0 }));

    public Task<bool> TryTakeRequestAsync(string keyId, CancellationToken cancellationToken)
    {
        using var lease = _requests.AttemptAcquire(keyId);
        return Task.FromResult(lease.IsAcquired);
    }

    public Task<IAsyncDisposable?> TryStartAskAsync(string keyId, CancellationToken cancellationToken)
    {
        var lease = _asks.AttemptAcquire(keyId);
        if (lease.IsAcquired)
        {
            return Task.FromResult<IAsyncDisposable?>(new Permit(lease));
        }

        lease.Dispose();
        return Task.FromResult<IAsyncDisposable?>(null);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _asks.Dispose();
    }

    private sealed class Permit(RateLimitLease lease) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lease.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
