using System.Collections.Concurrent;
using Npgsql;
using RagPlatform.Storage;

namespace RagPlatform.Gateway.Limits;

/// <summary>
/// The per-key limits shared by every gateway replica, in PostgreSQL, on the server's clock.
/// Requests: one atomic upsert per request refills the key's bucket for the time since its last refill and takes a
/// token only when one is there (the row lock serialises replicas). Answers: each answer in flight is a lease row with
/// an expiry, inserted only while the key has fewer than its limit (counted under a per-key advisory lock, after
/// deleting expired rows); this gateway renews its leases every third of <paramref name="leaseDuration"/>, so the slots
/// of a gateway that died free themselves when its leases run out.
/// </summary>
public sealed class PostgresKeyLimiter : IKeyLimiter, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly GatewayOptions _options;
    private readonly TimeSpan _leaseDuration;
    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}";
    private readonly ConcurrentDictionary<Guid, byte> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public PostgresKeyLimiter(PostgresDatabase database, GatewayOptions options, TimeSpan leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaseDuration, TimeSpan.FromSeconds(1));
        _database = database;
        _options = options;
        _leaseDuration = leaseDuration;
        _renewing = RenewAsync(_stop.Token);
    }

    public async Task<bool> TryTakeRequestAsync(string keyId, CancellationToken cancellationToken)
    {
        var taken = await _database.QueryAsync("""
            INSERT INTO rag_rate_buckets AS b (key_id, tokens, refilled_at) VALUES (@key, @burst - 1, now())
            ON CONFLICT (key_id) DO UPDATE SET
                tokens = least(@burst, b.tokens + greatest(0, extract(epoch FROM now() - b.refilled_at)::float8) * @rate) - 1,
                refilled_at = greatest(b.refilled_at, now())
            WHERE least(@burst, b.tokens + greatest(0, extract(epoch FROM now() - b.refilled_at)::float8) * @rate) >= 1
            RETURNING tokens;
            """, _ => true, cancellationToken, new("key", keyId), new("burst", (double)_options.RequestBurst),
            new("rate", (double)_options.RequestsPerSecond)).ConfigureAwait(false);
        return taken.Count > 0;
    }

    public async Task<IAsyncDisposable?> TryStartAskAsync(string keyId, CancellationToken cancellationToken)
    {
        var lease = Guid.NewGuid();
        var started = await _database.RunAsync(async (connection, ct) =>
        {
            // One round trip, one implicit transaction: the advisory lock holds until the batch ends.
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    Statement("SELECT pg_advisory_xact_lock(hashtextextended('rag_ask_leases/' || @key, 0));", new NpgsqlParameter("key", keyId)),
                    Statement("DELETE FROM rag_ask_leases WHERE key_id = @key AND expires_at < now();", new NpgsqlParameter("key", keyId)),
                    Statement("""
                        INSERT INTO rag_ask_leases (lease_id, key_id, holder, expires_at)
                        SELECT @lease, @key, @holder, now() + @duration
                        WHERE (SELECT count(*) FROM rag_ask_leases WHERE key_id = @key) < @limit;
                        """, new("lease", lease), new("key", keyId), new("holder", _holder), new("duration", _leaseDuration),
                        new("limit", (long)_options.MaxConcurrentAsksPerKey)),
                },
            };
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return batch.BatchCommands[2].RecordsAffected > 0;
        }, cancellationToken).ConfigureAwait(false);
        if (!started)
        {
            return null;
        }

        _held[lease] = 0;
        return new AskSlot(this, lease);
    }

    /// <summary>Stops renewing: leases still held run out by themselves (what happens when the process dies).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task EndAsync(Guid lease)
    {
        _held.TryRemove(lease, out _);
        try
        {
            await _database.ExecuteAsync("DELETE FROM rag_ask_leases WHERE lease_id = @lease;", CancellationToken.None,
                new NpgsqlParameter("lease", lease)).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // Not renewed any more: the slot frees itself when the lease expires.
        }
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_leaseDuration / 3, stop).ConfigureAwait(false);
                if (!_held.IsEmpty)
                {
                    await _database.ExecuteAsync("UPDATE rag_ask_leases SET expires_at = now() + @duration WHERE lease_id = ANY(@leases);", stop,
                        new("duration", _leaseDuration), new("leases", _held.Keys.ToArray())).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException)
            {
                // Tried again next round; meanwhile the answers go on, and at worst their slots lapse early.
            }
        }
    }

    private static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private sealed class AskSlot(PostgresKeyLimiter limiter, Guid lease) : IAsyncDisposable
    {
        private int _ended;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _ended, 1) == 0 ? new ValueTask(limiter.EndAsync(lease)) : ValueTask.CompletedTask;
    }
}
