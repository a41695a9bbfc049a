using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace RagPlatform.Grpc;

/// <summary>The spec's tables from HTTP status and HTTP/2 RST_STREAM codes to gRPC status codes.</summary>
internal static class StatusMapping
{
    /// <summary>http-grpc-status-mapping.md: for responses that carry no grpc-status.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>PROTOCOL-HTTP2.md "Errors": RST_STREAM error code to status.</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,       // REFUSED_STREAM: the server did not process it, safe to retry
        0x8 => StatusCode.Cancelled,         // CANCEL
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Maps a transport failure (no gRPC status received) to a status.</summary>
    public static Status FromTransportException(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case HttpProtocolException protocol:
                    return new Status(FromHttp2ErrorCode(protocol.ErrorCode), $"HTTP/2 error {protocol.ErrorCode}: {protocol.Message}");
                case SocketException socket:
                    return new Status(StatusCode.Unavailable, $"Error connecting to the server: {socket.SocketErrorCode}.");
            }
        }

        return new Status(StatusCode.Unavailable, $"Error talking to the server: {exception.Message}");
    }
}
