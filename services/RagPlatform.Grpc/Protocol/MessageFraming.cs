using System.Buffers;
using System.Buffers.Binary;

namespace RagPlatform.Grpc;

/// <summary>
/// The gRPC message frame: a compressed flag byte, a big-endian uint32 length, then the message.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    public static void WriteHeader(Span<byte> destination, bool compressed, int length)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>
    /// Reads a frame header from the start of <paramref name="buffer"/>. False when fewer than 5
    /// bytes are buffered; throws INTERNAL for a flag other than 0 or 1.
    /// </summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out bool compressed, out uint length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        ReadHeader(header, out compressed, out length);
        return true;
    }

    public static void ReadHeader(ReadOnlySpan<byte> header, out bool compressed, out uint length)
    {
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message frame."),
        };
        length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
    }
}
