using System.Diagnostics.Metrics;

namespace RagPlatform.Generator.Generation;

/// <summary>The Generator's instruments, on meter "RagPlatform.Generator".</summary>
internal sealed class GeneratorMetrics
{
    public const string MeterName = "RagPlatform.Generator";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _tokens;

    public GeneratorMetrics(IMeterFactory meterFactory, SequenceAdmission admission)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("rag.generator.requests", "{request}",
            "Generate calls by outcome: stop, length, cancelled, rejected (queue full), invalid.");
        _timeToFirstToken = meter.CreateHistogram<double>("rag.generator.time_to_first_token", "s",
            "From the call's arrival (queueing included) to its first generated token.");
        _tokens = meter.CreateCounter<long>("rag.generator.tokens", "{token}", "Tokens generated, stop tokens included.");
        meter.CreateObservableUpDownCounter("rag.generator.active_sequences", () => admission.ActiveSequences, "{sequence}",
            "Sequences holding a KV cache right now.");
        meter.CreateObservableUpDownCounter("rag.generator.queue_depth", () => admission.QueueDepth, "{request}",
            "Calls waiting for a sequence slot.");
    }

    public void RequestEnded(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void FirstToken(TimeSpan elapsed) => _timeToFirstToken.Record(elapsed.TotalSeconds);

    public void TokensGenerated(int count) => _tokens.Add(count);
}
