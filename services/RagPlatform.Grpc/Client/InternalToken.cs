namespace RagPlatform.Grpc;

/// <summary>The metadata that presents a <see cref="GrpcServerOptions.SharedToken"/> to a service that requires it.</summary>
public static class InternalToken
{
    /// <returns>An authorization entry, or null when no token is configured.</returns>
    public static Metadata? Headers(string? sharedToken) =>
        string.IsNullOrEmpty(sharedToken) ? null : new Metadata { { "authorization", "Bearer " + sharedToken } };
}
