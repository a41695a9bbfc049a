using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace RagPlatform.Grpc;

/// <summary>Checks that a request is gRPC at all before a call starts, and answers those that are not.</summary>
internal static class GrpcRequestValidation
{
    public static bool TryAccept(HttpContext httpContext, GrpcServerRuntime runtime)
    {
        var request = httpContext.Request;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // 415, not 200: a non-gRPC HTTP client must not mistake the error for success.
            Reject(httpContext, runtime, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.");
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            Reject(httpContext, runtime, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported: gRPC needs HTTP/2.");
            return false;
        }

        return true;
    }

    /// <summary>A trailers-only response: status 200, grpc-status in the headers, no body.</summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode code, string detail)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.AcceptEncodingValue;
        response.Headers[GrpcProtocol.StatusTrailer] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(detail);
    }

    private static void Reject(HttpContext httpContext, GrpcServerRuntime runtime, int httpStatus, string reason)
    {
        GrpcServerLog.RequestRejected(runtime.Logger, httpContext.Request.Path, reason);
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.Headers[GrpcProtocol.StatusTrailer] = ((int)StatusCode.Internal).ToString(CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(reason);
    }
}
