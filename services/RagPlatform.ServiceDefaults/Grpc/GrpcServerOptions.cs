using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>Message compression a peer may use: none, or gzip.</summary>
public enum GrpcCompression
{
    None,
    Gzip,
}

/// <summary>
/// Settings of a host's gRPC server, section "Grpc" (environment: Grpc__MaxReceiveMessageSize etc.). They configure
/// grpc-dotnet's <see cref="GrpcServiceOptions"/>, Kestrel's endpoint, the shared-token authentication and reflection.
/// </summary>
public sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc";

    /// <summary>Largest request message accepted (after decompression); larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Compress responses with this algorithm when the caller accepts it.</summary>
    public GrpcCompression ResponseCompression { get; set; } = GrpcCompression.None;

    /// <summary>Send exception type and message to callers. Off in production: they may leak internals.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// When set, every call except grpc.health.v1 (probes cannot carry secrets) must send
    /// <c>authorization: Bearer &lt;token&gt;</c>; others get UNAUTHENTICATED. Clients of the internal services present
    /// the same value. Compared in constant time.
    /// </summary>
    public string? SharedToken { get; set; }

    /// <summary>Where the server listens (cleartext HTTP/2), e.g. "http://0.0.0.0:5001". Port 0 picks a free port.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// Serve grpc.reflection (what grpcurl and Postman list and call by name). Unset: on in Development only. It
    /// requires the shared token like any other service.
    /// </summary>
    public bool? EnableReflection { get; set; }

    public bool ReflectionEnabled(IHostEnvironment environment) => EnableReflection ?? environment.IsDevelopment();

    public IEnumerable<string> Validate()
    {
        if (MaxReceiveMessageSize <= 0)
        {
            yield return $"{SectionName}:MaxReceiveMessageSize must be positive (was {MaxReceiveMessageSize}).";
        }

        if (MaxSendMessageSize <= 0)
        {
            yield return $"{SectionName}:MaxSendMessageSize must be positive (was {MaxSendMessageSize}).";
        }

        if (!Enum.IsDefined(ResponseCompression))
        {
            yield return $"{SectionName}:ResponseCompression must be None or Gzip (was {ResponseCompression}).";
        }

        if (Url is not null && !GrpcEndpointAddress.TryParse(Url, out _, out _))
        {
            yield return $"{SectionName}:Url must look like http://host:port (was '{Url}').";
        }

        if (SharedToken is { Length: > 0 and < 16 })
        {
            yield return $"{SectionName}:SharedToken must be at least 16 characters when set.";
        }
    }
}

/// <summary>Our "Grpc" section onto grpc-dotnet's own options.</summary>
internal sealed class GrpcServiceOptionsSetup(IOptions<GrpcServerOptions> options) : IConfigureOptions<GrpcServiceOptions>
{
    public void Configure(GrpcServiceOptions grpc)
    {
        var ours = options.Value;
        grpc.MaxReceiveMessageSize = ours.MaxReceiveMessageSize;
        grpc.MaxSendMessageSize = ours.MaxSendMessageSize;
        grpc.EnableDetailedErrors = ours.EnableDetailedErrors;
        grpc.ResponseCompressionAlgorithm = ours.ResponseCompression == GrpcCompression.Gzip ? "gzip" : null;
    }
}

internal static class GrpcEndpointAddress
{
    /// <summary>"http://host:port" with host "localhost", "*", "+" or an IP address.</summary>
    public static bool TryParse(string url, out IPAddress address, out int port)
    {
        address = IPAddress.Loopback;
        port = 0;
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }

        port = uri.Port;
        if (uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out address!);
    }
}
