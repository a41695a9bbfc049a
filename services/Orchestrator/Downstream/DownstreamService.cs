using Grpc.Core;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// One model service as the orchestrator calls it, through its typed client: two Polly pipelines. Idempotent calls get a
/// total timeout, retries with exponential backoff and jitter (UNAVAILABLE, or an attempt that ran out of time), and
/// the circuit breaker; calls that must not repeat (Generate) get the breaker alone. Every failure leaves as an
/// <see cref="RpcException"/>, so callers handle one exception type; the caller's own cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class DownstreamService
{
    private readonly DownstreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _idempotent;
    private readonly ResiliencePipeline _once;

    public DownstreamService(string name, DownstreamOptions options, TimeProvider time)
    {
        Name = name;
        _options = options;
        _time = time;

        // One breaker shared by both pipelines: it tracks the service, not a kind of call.
        var breaker = new CircuitBreakerStrategyOptions
        {
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsServiceFailure(args.Outcome.Exception)),
        };
        _once = new ResiliencePipelineBuilder { TimeProvider = time }.AddCircuitBreaker(breaker).Build();
        var idempotent = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Timeout);
        if (options.MaxRetries > 0)
        {
            idempotent.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome.Exception, args.Context.CancellationToken)),
            });
        }

        _idempotent = idempotent.AddPipeline(_once).Build();
    }

    public string Name { get; }

    /// <summary>Runs an idempotent unary call: retried, each attempt bounded by AttemptTimeout and by <paramref name="deadline"/>.</summary>
    public Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, DateTime deadline, CancellationToken cancellationToken) =>
        CallAsync(options => call(options).ResponseAsync, deadline, cancellationToken);

    /// <summary>Runs an idempotent call: retried, each attempt bounded by AttemptTimeout and by <paramref name="deadline"/>.</summary>
    public async Task<T> CallAsync<T>(Func<CallOptions, Task<T>> call, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await _idempotent.ExecuteAsync(
                async ct => await Cancellable(call, Options(Earliest(deadline, _time.GetUtcNow().UtcDateTime + _options.AttemptTimeout), ct)),
                cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Runs a call that must not be repeated (starting a generation): breaker only, bounded by <paramref name="deadline"/>.</summary>
    public async Task<T> CallOnceAsync<T>(Func<CallOptions, Task<T>> call, DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await _once.ExecuteAsync(async ct => await Cancellable(call, Options(deadline, ct)), cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Options for a call made outside the pipelines (reading a stream already started).</summary>
    public CallOptions Options(DateTime deadline, CancellationToken cancellationToken) =>
        new(deadline: deadline == DateTime.MaxValue ? null : deadline, cancellationToken: cancellationToken);

    /// <summary>The service (not the request) failed: what the breaker counts and what degrades a stage.</summary>
    public static bool IsServiceFailure(Exception? exception) => exception is RpcException
    {
        StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown,
    };

    /// <summary>
    /// Runs one attempt, reporting a call cancelled through its token as the OperationCanceledException it is. The
    /// gRPC client says CANCELLED, but Polly's timeout only recognises an
    /// OperationCanceledException as its own: without this, a service slower than Downstream:*:Timeout surfaced as
    /// CANCELLED, which no stage degrades on and which the gateway answers 499 "Client closed request".
    /// </summary>
    private static async Task<T> Cancellable<T>(Func<CallOptions, Task<T>> call, CallOptions options)
    {
        try
        {
            return await call(options);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && options.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Status.Detail, ex, options.CancellationToken);
        }
    }

    private static bool IsRetryable(Exception? exception, CancellationToken attemptToken) =>
        !attemptToken.IsCancellationRequested && exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded };

    private static DateTime Earliest(DateTime a, DateTime b) => a < b ? a : b;

    private RpcException? Translate(Exception exception, CancellationToken callerToken) => exception switch
    {
        _ when callerToken.IsCancellationRequested => null,
        BrokenCircuitException => new RpcException(new Status(StatusCode.Unavailable,
            $"{Name} is failing: its circuit is open after repeated failures; calls resume within {_options.BreakDuration.TotalSeconds:0.#} s.")),
        TimeoutRejectedException => new RpcException(new Status(StatusCode.DeadlineExceeded,
            $"{Name} did not answer within {_options.Timeout.TotalSeconds:0.#} s (Downstream:{Name}:Timeout).")),
        RpcException rpc when rpc.StatusCode == StatusCode.Unavailable && !rpc.Status.Detail.StartsWith(Name, StringComparison.Ordinal) =>
            new RpcException(new Status(StatusCode.Unavailable, $"{Name} is unavailable: {rpc.Status.Detail}")),
        _ => null,
    };
}
