using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>
/// rpc.server.call.duration (OpenTelemetry's RPC convention) for every call a gRPC host serves, by method and the status
/// it ends with, on meter "RagPlatform.Rpc.Server". Runs outside <see cref="ExceptionStatusInterceptor"/>, so it sees
/// the status the caller gets.
/// </summary>
internal sealed class CallMetricsInterceptor : Interceptor
{
    public const string MeterName = "RagPlatform.Rpc.Server";

    private readonly Histogram<double> _duration;

    public CallMetricsInterceptor(IMeterFactory meterFactory) =>
        _duration = meterFactory.Create(MeterName).CreateHistogram<double>("rpc.server.call.duration", "s", "Duration of gRPC calls served, by method and status.");

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        finally
        {
            Record(context.Method, status, started);
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
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        finally
        {
            Record(context.Method, status, started);
        }
    }

    private void Record(string method, StatusCode status, long started)
    {
        if (_duration.Enabled)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("rpc.method", method),
                new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status));
        }
    }
}
