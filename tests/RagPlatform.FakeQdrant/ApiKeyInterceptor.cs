using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RagPlatform.FakeQdrant;

/// <summary>Qdrant's API-key check: the key as api-key metadata or an "authorization: Bearer" token, else Unauthenticated.</summary>
internal sealed class ApiKeyInterceptor(FakeQdrantOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (options.ApiKey is { } expected)
        {
            var bearer = context.RequestHeaders.GetValue("authorization");
            var given = context.RequestHeaders.GetValue("api-key") ??
                        (bearer is not null && bearer.StartsWith("Bearer ", StringComparison.Ordinal) ? bearer["Bearer ".Length..] : null);
            if (given is null)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "Must provide an API key or an Authorization bearer token"));
            }

            if (given != expected)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "Invalid API key or JWT"));
            }
        }

        return continuation(request, context);
    }
}
