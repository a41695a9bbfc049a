using Microsoft.AspNetCore.Http;

namespace RagPlatform.Grpc;

public static class ServerCallContextExtensions
{
    /// <summary>The ASP.NET Core request behind a call (connection details, features, raw headers).</summary>
    public static HttpContext GetHttpContext(this ServerCallContext context) =>
        context is HttpContextServerCallContext httpCall
            ? httpCall.HttpContext
            : throw new InvalidOperationException("This call context is not backed by an HttpContext.");
}
