using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RagPlatform.Grpc;

/// <summary>Call duration by method and status (OpenTelemetry RPC conventions), and tags on the request's Activity.</summary>
internal sealed class GrpcServerMetrics
{
    public const string MeterName = "RagPlatform.Grpc.Server";

    private readonly Histogram<double> _duration;

    public GrpcServerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("rpc.server.call.duration", unit: "s", description: "Duration of gRPC calls handled by this server.");
    }

    public void CallEnded(string method, StatusCode status, long startTimestamp)
    {
        if (_duration.Enabled)
        {
            _duration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>("rpc.method", method),
                new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status));
        }

        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.method", method);
            activity.SetTag("rpc.grpc.status_code", (int)status);
        }
    }
}
