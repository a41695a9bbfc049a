using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagPlatform.Grpc;

/// <summary>What every call handler shares: validated options, logger and metrics.</summary>
internal sealed class GrpcServerRuntime(IOptions<GrpcServerOptions> options, ILoggerFactory loggerFactory, GrpcServerMetrics metrics)
{
    private int _unimplementedMapped;

    public GrpcServerOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("RagPlatform.Grpc.Server");

    public GrpcServerMetrics Metrics { get; } = metrics;

    /// <summary>True the first time only: the catch-all UNIMPLEMENTED endpoints are mapped once per app.</summary>
    public bool TryClaimUnimplementedMapping() => Interlocked.Exchange(ref _unimplementedMapped, 1) == 0;
}
