using System.Diagnostics;
using System.Diagnostics.Metrics;
using RagPlatform.Grpc;

namespace RagPlatform.ServiceDefaults;

/// <summary>
/// The instruments every model service reports, on one meter per service (e.g. "RagPlatform.Embedder"):
/// rag.model.requests, rag.model.request.duration, rag.model.batch.size and the observable rag.model.queue.depth.
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

    public string MeterName => _meter.Name;

    /// <summary>Runs one call and records its duration and the gRPC status it ends with.</summary>
    public async Task<T> MeasureAsync<T>(string method, ServerCallContext context, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await call();
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        catch
        {
            status = StatusCode.Unknown;
            throw;
        }
        finally
        {
            var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", (int)status } };
            _requests.Add(1, tags);
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public void RecordBatch(int size) => _batchSize.Record(size);

    /// <summary>Reports <paramref name="depth"/> (items waiting for a batch) whenever a listener collects.</summary>
    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableGauge("rag.model.queue.depth", depth, "{item}", "Items waiting to be batched.");
}
