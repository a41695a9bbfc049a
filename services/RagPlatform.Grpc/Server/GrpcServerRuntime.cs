using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagPlatform.Grpc;

/// <summary>What every call handler shares: validated options, logger and metrics.</summary>
internal sealed class GrpcServerRuntime(
    IOptions<GrpcServerOptions> options,
    ILoggerFactory loggerFactory,
    GrpcServerMetrics metrics,
    IEnumerable<IExceptionStatusMapper> exceptionMappers)
{
    private const string BearerPrefix = "Bearer ";
    private const string HealthServiceName = "grpc.health.v1.Health";
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.SharedToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SharedToken));
    private readonly IExceptionStatusMapper[] _exceptionMappers = [.. exceptionMappers];
    private int _unimplementedMapped;

    public GrpcServerOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("RagPlatform.Grpc.Server");

    public GrpcServerMetrics Metrics { get; } = metrics;

    /// <summary>What a registered mapper makes of <paramref name="exception"/>, if any.</summary>
    public RpcException? MapException(Exception exception) => _exceptionMappers.Select(m => m.Map(exception)).FirstOrDefault(s => s is not null);

    /// <summary>Refuses a call without the shared token when one is configured (health checks excepted).</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED.</exception>
    public void Authenticate(HttpRequest request, string serviceName)
    {
        if (_tokenHash is null || serviceName == HealthServiceName)
        {
            return;
        }

        var presented = request.Headers.Authorization.ToString();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented.StartsWith(BearerPrefix, StringComparison.Ordinal) ? presented[BearerPrefix.Length..] : ""));
        // Hashes have a fixed length, so the comparison's time says nothing about the token.
        if (!CryptographicOperations.FixedTimeEquals(hash, _tokenHash))
        {
            throw new RpcException(StatusCode.Unauthenticated, "This service requires the internal bearer token (Grpc:SharedToken).");
        }
    }

    /// <summary>True the first time only: the catch-all UNIMPLEMENTED endpoints are mapped once per app.</summary>
    public bool TryClaimUnimplementedMapping() => Interlocked.Exchange(ref _unimplementedMapped, 1) == 0;
}
