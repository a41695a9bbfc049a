using System.Buffers;

namespace RagPlatform.Grpc;

/// <summary>
/// Reads message frames from a response body through one pooled buffer, so a small message
/// costs one read and no allocation. A payload is valid until the next read.
/// </summary>
internal sealed class ResponseFrameReader(Stream stream, int? maxMessageSize) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;

    /// <summary>The next frame, or null at a clean end of the stream.</summary>
    public async ValueTask<ResponseFrame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(MessageFraming.HeaderSize, cancellationToken))
        {
            return _end == _start
                ? null
                : throw new RpcException(StatusCode.Internal, $"The response ended inside a frame header ({_end - _start} of 5 bytes).");
        }

        MessageFraming.ReadHeader(_buffer.AsSpan(_start, MessageFraming.HeaderSize), out var compressed, out var length);
        if (length > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes).");
        }

        var frameLength = MessageFraming.HeaderSize + (int)length;
        if (length > int.MaxValue - MessageFraming.HeaderSize || !await FillAsync(frameLength, cancellationToken))
        {
            throw new RpcException(StatusCode.Internal, $"The response ended inside a message ({_end - _start - MessageFraming.HeaderSize} of {length} bytes).");
        }

        var payload = new ReadOnlySequence<byte>(_buffer, _start + MessageFraming.HeaderSize, (int)length);
        _start += frameLength;
        return new ResponseFrame(payload, compressed);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_buffer.Length - _start < count)
            {
                var target = _buffer.Length >= count && _start > 0 ? _buffer : ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
                _buffer.AsSpan(_start, _end - _start).CopyTo(target);
                if (!ReferenceEquals(target, _buffer))
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = target;
                }

                _end -= _start;
                _start = 0;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }
}

internal readonly record struct ResponseFrame(ReadOnlySequence<byte> Payload, bool Compressed);
