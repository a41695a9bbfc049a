using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RagPlatform.HealthProbe;

/// <summary>Runs one probe and turns its outcome into the exit code Docker's HEALTHCHECK reads.</summary>
public static class HealthProbe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;
    public const int UsageError = 2;

    /// <summary>
    /// Parses <paramref name="args"/>, probes once and writes one line saying why (Docker keeps it in the container's
    /// health log). Never throws for an unhealthy or unreachable target: that is exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!ProbeRequest.TryParse(args, out var request, out var problem))
        {
            await error.WriteLineAsync($"RagPlatform.HealthProbe: {problem}\n{ProbeRequest.Usage}");
            return UsageError;
        }

        var (healthy, reason) = request!.Kind == ProbeKind.Grpc
            ? await ProbeGrpcAsync(request, cancellationToken)
            : await ProbeHttpAsync(request, cancellationToken);
        await (healthy ? output : error).WriteLineAsync(reason);
        return healthy ? Healthy : Unhealthy;
    }

    private static async Task<(bool Healthy, string Reason)> ProbeGrpcAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var name = request.Service.Length == 0 ? "the server" : $"'{request.Service}'";
        // No proxy: an HTTP(S)_PROXY in the container's environment must not reroute a loopback probe.
        using var channel = GrpcChannel.ForAddress(request.Target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = request.Timeout },
        });
        try
        {
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = request.Service },
                deadline: DateTime.UtcNow.Add(request.Timeout), cancellationToken: cancellationToken);
            return (response.Status == HealthCheckResponse.Types.ServingStatus.Serving, $"{name} at {request.Target}: {response.Status}");
        }
        catch (RpcException ex)
        {
            // NOT_FOUND (a service name the server does not register) is as unhealthy as an unreachable server: a probe
            // naming the wrong service must fail loudly rather than pass against the whole server.
            return (false, $"{name} at {request.Target}: {ex.StatusCode} {ex.Status.Detail}");
        }
    }

    private static async Task<(bool Healthy, string Reason)> ProbeHttpAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        // No proxy: an HTTP(S)_PROXY in the container's environment must not reroute a loopback probe.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = request.Timeout, AllowAutoRedirect = false })
        {
            Timeout = request.Timeout,
        };
        try
        {
            using var response = await client.GetAsync(request.Target, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return (code is >= 200 and < 300, $"GET {request.Target}: {code} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (false, $"GET {request.Target}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
