using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RagPlatform.Launcher;

/// <summary>One look at a service's health.</summary>
/// <param name="Healthy">SERVING (gRPC) or /readyz 200 (gateway).</param>
/// <param name="Detail">What it said: "SERVING", "NOT_SERVING", "ready", or why it did not answer ("unreachable").</param>
/// <param name="Status">The grpc.health.v1 status, when a gRPC service answered.</param>
public sealed record HealthReport(bool Healthy, string Detail, ServingStatus? Status = null);

/// <summary>
/// Asks services whether they are ready: grpc.health.v1 Check through Grpc.Net.Client and the generated Health client
/// for the gRPC services, GET /readyz for a gateway. Each look is bounded by <see cref="ProbeTimeout"/>; each address
/// gets one channel, kept for later looks.
/// </summary>
public sealed class ReadinessProbe : IDisposable
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly HttpClient _http = new() { Timeout = ProbeTimeout };
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new();

    public Task<HealthReport> CheckAsync(ServiceLaunch launch, CancellationToken cancellationToken) =>
        CheckAsync(launch.Url, launch.Instance.Service.HealthService, cancellationToken);

    /// <param name="healthService">The grpc.health.v1 name to check; null for GET /readyz.</param>
    public async Task<HealthReport> CheckAsync(string url, string? healthService, CancellationToken cancellationToken) =>
        healthService is null ? await CheckReadyAsync(url, cancellationToken) : await CheckGrpcAsync(url, healthService, cancellationToken);

    /// <summary>
    /// Looks again and again until <paramref name="done"/> holds for a report; <paramref name="changed"/> hears each new
    /// detail. Fails when the process exits first or <paramref name="timeout"/> passes (with the end of its output).
    /// </summary>
    public async Task<HealthReport> WaitAsync(IServiceProcess process, string name, string url, string? healthService, Func<HealthReport, bool> done,
        TimeSpan timeout, Action<HealthReport>? changed, CancellationToken cancellationToken, ServiceInstance? instance = null)
    {
        var clock = Stopwatch.StartNew();
        HealthReport? last = null;
        while (true)
        {
            if (!process.IsRunning)
            {
                throw new PlatformLaunchException($"The {name} exited while starting.", instance, process.OutputTail(40));
            }

            var report = await CheckAsync(url, healthService, cancellationToken);
            if (done(report))
            {
                return report;
            }

            if (report.Detail != last?.Detail)
            {
                changed?.Invoke(report);
            }

            last = report;
            if (clock.Elapsed >= timeout)
            {
                throw new PlatformLaunchException($"The {name} did not become ready within {timeout.TotalSeconds:0} s (last: {last.Detail}).",
                    instance, process.OutputTail(40));
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private async Task<HealthReport> CheckGrpcAsync(string url, string name, CancellationToken cancellationToken)
    {
        var channel = _channels.GetOrAdd(url, u => new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress(u, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = ProbeTimeout, UseProxy = false },
        }))).Value;
        try
        {
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = name },
                deadline: DateTime.UtcNow + ProbeTimeout, cancellationToken: cancellationToken);
            return new HealthReport(response.Status == ServingStatus.Serving, StatusName(response.Status), response.Status);
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            // The client reports the caller's cancellation as CANCELLED; to the caller it is cancellation like any other.
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

    private static string StatusName(ServingStatus status) => status switch
    {
        ServingStatus.Serving => "SERVING",
        ServingStatus.NotServing => "NOT_SERVING",
        ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}
