using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RagPlatform.ModelHosting;

/// <summary>
/// The instruments every model service reports, on one meter per service (e.g. "RagPlatform.Embedder"):
/// rag.model.requests and rag.model.request.duration (by method and gRPC status, recorded by
/// <see cref="ModelCallMetricsInterceptor"/>), rag.model.batch.size and the observable rag.model.queue.depth.
/// </summary>
public sealed class ModelServiceMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;

    public ModelServiceMetrics(IMeterFactory meterFactory, string meterName)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(meterName);
        _requests = _meter.CreateCounter<long>("rag.model.requests", "{request}", "Calls served, by method and gRPC status.");
        _duration = _meter.CreateHistogram<double>("rag.model.request.duration", "s", "Time from receiving a call to answering it.");
        _batchSize = _meter.CreateHistogram<int>("rag.model.batch.size", "{item}", "Texts or pairs per model batch.");
    }

    public void RecordCall(string method, StatusCode status, long startedTimestamp)
    {
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", (int)status } };
        _requests.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }

    public void RecordBatch(int size) => _batchSize.Record(size);

    /// <summary>Reports <paramref name="depth"/> (items waiting for a batch) whenever a listener collects.</summary>
    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableGauge("rag.model.queue.depth", depth, "{item}", "Items waiting to be batched.");
}

/// <summary>Counts and times every call of the model service it is attached to, by method and the status it ends with.</summary>
internal sealed class ModelCallMetricsInterceptor(ModelServiceMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex)
        {
            status = StatusOf(ex, context);
            throw;
        }
        finally
        {
            metrics.RecordCall(MethodName(context), status, started);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex)
        {
            status = StatusOf(ex, context);
            throw;
        }
        finally
        {
            metrics.RecordCall(MethodName(context), status, started);
        }
    }

    private static StatusCode StatusOf(Exception exception, ServerCallContext context) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };

    /// <summary>"Embed" from "/rag.v1.Embedder/Embed".</summary>
    private static string MethodName(ServerCallContext context) => context.Method[(context.Method.LastIndexOf('/') + 1)..];
}
