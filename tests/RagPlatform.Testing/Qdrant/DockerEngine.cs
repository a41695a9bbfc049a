using System.Net.Http;
using System.Net.Sockets;

namespace RagPlatform.Testing;

/// <summary>
/// Whether a Docker engine answers here, asked once per test run with a bounded ping (GET /_ping on DOCKER_HOST or
/// /var/run/docker.sock, 3 s), so a machine without one skips container tests at once instead of hanging in them.
/// </summary>
public static class DockerEngine
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Null when an engine answered; otherwise why container tests are skipped.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } configured ? configured : "unix:///var/run/docker.sock";
        if (!Uri.TryCreate(host, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("unix" or "tcp"))
        {
            return $"DOCKER_HOST '{host}' is neither unix:// nor tcp://, which this probe can ask.";
        }

        if (endpoint.Scheme == "unix" && !File.Exists(endpoint.AbsolutePath))
        {
            return $"nothing listens at {host} (the socket does not exist; a docker CLI alone is only a client).";
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = PingTimeout,
            ConnectCallback = endpoint.Scheme == "unix"
                ? async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.AbsolutePath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                : null,
        };
        using var http = new HttpClient(handler) { Timeout = PingTimeout };
        var ping = endpoint.Scheme == "unix" ? new Uri("http://docker/_ping") : new Uri($"http://{endpoint.Host}:{endpoint.Port}/_ping");
        try
        {
            using var response = http.GetAsync(ping).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode ? null : $"{host} answered /_ping with {(int)response.StatusCode}.";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return $"nothing answered at {host} within {PingTimeout.TotalSeconds:0} s ({e.GetBaseException().Message}).";
        }
    }
}
