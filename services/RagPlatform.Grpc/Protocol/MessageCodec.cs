using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;

namespace RagPlatform.Grpc;

/// <summary>Turns messages into frames and frames into messages, with size limits and gzip.</summary>
internal static class MessageCodec
{
    // Below this size a message is serialized straight into one span; above it protobuf writes
    // segment by segment so a large message never needs one contiguous buffer.
    private const int ContiguousWriteLimit = 16 * 1024;

    /// <summary>Writes one framed message. Throws RESOURCE_EXHAUSTED past <paramref name="maxSize"/>.</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, IMessage message, bool compress, int? maxSize)
    {
        var size = message.CalculateSize();
        if (size > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} > {maxSize} bytes).");
        }

        if (compress)
        {
            WriteCompressedFrame(writer, message, size);
            return;
        }

        if (size <= ContiguousWriteLimit)
        {
            var span = writer.GetSpan(MessageFraming.HeaderSize + size);
            MessageFraming.WriteHeader(span, compressed: false, size);
            message.WriteTo(span.Slice(MessageFraming.HeaderSize, size));
            writer.Advance(MessageFraming.HeaderSize + size);
            return;
        }

        MessageFraming.WriteHeader(writer.GetSpan(MessageFraming.HeaderSize), compressed: false, size);
        writer.Advance(MessageFraming.HeaderSize);
        message.WriteTo(writer);
    }

    /// <summary>
    /// Parses one message payload. <paramref name="encoding"/> is the peer's grpc-encoding; a
    /// compressed payload needs a supported one. The decompressed size is bounded too.
    /// </summary>
    public static T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload, bool compressed, string? encoding, int? maxSize)
        where T : IMessage<T>
    {
        if (!compressed)
        {
            return ParseCore(parser, payload);
        }

        if (string.IsNullOrEmpty(encoding) || encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Internal, "A compressed message arrived without a grpc-encoding to decompress it with.");
        }

        if (!encoding.Equals(GrpcProtocol.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'. Supported: {GrpcProtocol.AcceptEncodingValue}.");
        }

        using var decompressed = Decompress(payload, maxSize);
        return ParseCore(parser, new ReadOnlySequence<byte>(decompressed.WrittenMemory));
    }

    private static T ParseCore<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Error parsing {typeof(T).Name}: {ex.Message}"), new Metadata(), ex);
        }
    }

    private static void WriteCompressedFrame(IBufferWriter<byte> writer, IMessage message, int size)
    {
        using var raw = new PooledBuffer(size);
        message.WriteTo((IBufferWriter<byte>)raw);
        using var compressed = new PooledBuffer((size / 2) + 64);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw.WrittenSpan);
        }

        var frame = writer.GetSpan(MessageFraming.HeaderSize + (int)compressed.Length);
        MessageFraming.WriteHeader(frame, compressed: true, (int)compressed.Length);
        compressed.WrittenSpan.CopyTo(frame[MessageFraming.HeaderSize..]);
        writer.Advance(MessageFraming.HeaderSize + (int)compressed.Length);
    }

    private static PooledBuffer Decompress(in ReadOnlySequence<byte> payload, int? maxSize)
    {
        var compressedBytes = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        var output = new PooledBuffer((int)Math.Min(payload.Length * 4, 1 << 20));
        try
        {
            payload.CopyTo(compressedBytes);
            using var source = new MemoryStream(compressedBytes, 0, (int)payload.Length, writable: false);
            using var gzip = new GZipStream(source, CompressionMode.Decompress);
            while (true)
            {
                var read = gzip.Read(output.GetSpan(8192));
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.Length > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({maxSize} bytes) once decompressed.");
                }
            }

            return output;
        }
        catch (InvalidDataException ex)
        {
            output.Dispose();
            throw new RpcException(new Status(StatusCode.Internal, $"Error decompressing message: {ex.Message}"), new Metadata(), ex);
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressedBytes);
        }
    }
}
