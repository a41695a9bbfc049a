using System.Net;
using System.Net.Http.Headers;

namespace RagPlatform.Grpc;

/// <summary>
/// The request body: one frame serialized before the call starts (so size errors surface
/// before anything is sent). The pooled buffer goes back to the pool exactly once, by whoever
/// ends up owning it: the serializer once it starts, or Dispose if it never does.
/// </summary>
internal sealed class GrpcRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocol.ContentType);

    private PooledBuffer? _frame;

    public GrpcRequestContent(PooledBuffer frame)
    {
        _frame = frame;
        Headers.ContentType = GrpcContentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var frame = Interlocked.Exchange(ref _frame, null) ?? throw new InvalidOperationException("A gRPC request body can be sent only once.");
        try
        {
            await stream.WriteAsync(frame.WrittenMemory, cancellationToken);
        }
        finally
        {
            frame.Dispose();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _frame, null)?.Dispose();
        }

        base.Dispose(disposing);
    }
}
