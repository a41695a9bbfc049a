using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RagPlatform.Cli.Platform;

/// <summary>One look at a service's health.</summary>
/// <param name="Healthy">SERVING (gRPC) or /readyz 200 (gateway).</param>
/// <param name="Detail">What it said: "SERVING", "NOT_SERVING", "ready", or why it did not answer.</param>
internal sealed record HealthReport(bool Healthy, string Detail);

/// <summary>
/// Asks a service whether it is healthy: grpc.health.v1 Check for the four gRPC services (Grpc.Net.Client and the
/// generated Health client), GET /readyz for the gateway. Each look is bounded by <see cref="ProbeTimeout"/>.
/// </summary>
internal sealed class HealthProbe : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private readonly HttpClient _http = new() { Timeout = ProbeTimeout };
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new();

    public async Task<HealthReport> CheckAsync(PlatformService service, string url, CancellationToken cancellationToken)
    {
        return service.HealthService is { } name
            ? await CheckGrpcAsync(name, url, cancellationToken)
            : await CheckReadyAsync(url, cancellationToken);
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private async Task<HealthReport> CheckGrpcAsync(string name, string url, CancellationToken cancellationToken)
    {
        // Services are waited on in parallel: one channel per address, made once.
        var channel = _channels.GetOrAdd(url, u => new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress(u, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = ProbeTimeout, UseProxy = false },
        }))).Value;

        try
        {
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = name },
                deadline: DateTime.UtcNow + ProbeTimeout, cancellationToken: cancellationToken);
            return new HealthReport(response.Status == HealthCheckResponse.Types.ServingStatus.Serving, StatusName(response.Status));
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the client reports it as CANCELLED; to rag it is cancellation like any other.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex)
        {
            return new HealthReport(false, ex.StatusCode switch
            {
                StatusCode.Unavailable => "unreachable",
                StatusCode.NotFound => "starting",
                StatusCode.DeadlineExceeded => "no answer",
                _ => ex.StatusCode.ToString(),
            });
        }
    }

    private async Task<HealthReport> CheckReadyAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(new Uri(url), "/readyz"), cancellationToken);
            return response.IsSuccessStatusCode
                ? new HealthReport(true, "ready")
                : new HealthReport(false, $"not ready ({(int)response.StatusCode})");
        }
        catch (HttpRequestException)
        {
            return new HealthReport(false, "unreachable");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthReport(false, "no answer");
        }
    }

    private static string StatusName(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}
