using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RagPlatform.Grpc;

public static class GrpcWebHostExtensions
{
    /// <summary>
    /// Makes Kestrel listen with cleartext HTTP/2 (the only protocol gRPC uses here) on
    /// <paramref name="url"/>, or on configuration "Grpc:Url" when null. "localhost" means the
    /// IPv4 loopback; port 0 picks a free port (read it from IServerAddressesFeature).
    /// </summary>
    public static IWebHostBuilder UseGrpcEndpoint(this IWebHostBuilder builder, string? url = null) =>
        builder.ConfigureKestrel((context, kestrel) =>
        {
            var configured = url ?? context.Configuration[$"{GrpcServerOptions.SectionName}:{nameof(GrpcServerOptions.Url)}"]
                ?? throw new InvalidOperationException("UseGrpcEndpoint needs a URL: pass one or set Grpc:Url.");
            if (!GrpcEndpointAddress.TryParse(configured, out var address, out var port))
            {
                throw new InvalidOperationException($"Grpc:Url must look like http://host:port (was '{configured}').");
            }

            kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
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
