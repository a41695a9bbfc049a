using System.Diagnostics.Metrics;

namespace RagPlatform.ModelHosting;

/// <summary>
/// What only a model service can report, on one meter per service (e.g. "RagPlatform.Embedder"): rag.model.batch.size
/// and the observable rag.model.queue.depth. Calls themselves are counted and timed by every gRPC host's
/// rpc.server.call.duration (ServiceDefaults), by method and status.
/// </summary>
public sealed class ModelServiceMetrics
{
    private readonly Meter _meter;
    private readonly Histogram<int> _batchSize;

    public ModelServiceMetrics(IMeterFactory meterFactory, string meterName)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(meterName);
        _batchSize = _meter.CreateHistogram<int>("rag.model.batch.size", "{item}", "Texts or pairs per model batch.");
    }

    public void RecordBatch(int size) => _batchSize.Record(size);

    /// <summary>Reports <paramref name="depth"/> (items waiting for a batch) whenever a listener collects.</summary>
    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableGauge("rag.model.queue.depth", depth, "{item}", "Items waiting to be batched.");
}
