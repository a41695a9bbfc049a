using System.Buffers;
using System.Text;
using Google.Protobuf;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class MessageFramingTests
{
    [Fact]
    public void WriteHeader_LargeLength_IsBigEndianAfterFlag()
    {
        var header = new byte[5];

        MessageFraming.WriteHeader(header, compressed: true, 0x01020304);

        Assert.Equal(new byte[] { 1, 1, 2, 3, 4 }, header);
    }

    [Fact]
    public void TryReadHeader_FewerThanFiveBytes_ReturnsFalse()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 1 });

        Assert.False(MessageFraming.TryReadHeader(buffer, out _, out _));
    }

    [Fact]
    public void TryReadHeader_HeaderSplitAcrossSegments_ReadsIt()
    {
        var buffer = TwoSegments([0, 0, 0], [0, 7, 42]);

        Assert.True(MessageFraming.TryReadHeader(buffer, out var compressed, out var length));
        Assert.False(compressed);
        Assert.Equal(7u, length);
    }

    [Fact]
    public void ReadHeader_FlagOtherThanZeroOrOne_IsInternal()
    {
        var ex = Assert.Throws<RpcException>(() => MessageFraming.ReadHeader(new byte[] { 2, 0, 0, 0, 0 }, out _, out _));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public void WriteFrame_ThenParse_RoundTripsSmallAndLargeMessages()
    {
        foreach (var size in new[] { 0, 10, 100_000 })
        {
            var message = new EchoRequest { Message = "héllo", Payload = ByteString.CopyFrom(new byte[size]) };
            var writer = new ArrayBufferWriter<byte>();

            MessageCodec.WriteFrame(writer, message, compress: false, maxSize: null);

            var frame = new ReadOnlySequence<byte>(writer.WrittenMemory);
            Assert.True(MessageFraming.TryReadHeader(frame, out var compressed, out var length));
            Assert.False(compressed);
            Assert.Equal(writer.WrittenCount - 5, (int)length);
            Assert.Equal(message, MessageCodec.Parse(EchoRequest.Parser, frame.Slice(5), compressed, encoding: null, maxSize: null));
        }
    }

    [Fact]
    public void WriteFrame_Compressed_SetsFlagAndShrinksRepetitiveData()
    {
        var message = new EchoRequest { Message = new string('a', 10_000) };
        var writer = new ArrayBufferWriter<byte>();

        MessageCodec.WriteFrame(writer, message, compress: true, maxSize: null);

        Assert.Equal(1, writer.WrittenSpan[0]);
        Assert.True(writer.WrittenCount < 1000);
        var payload = new ReadOnlySequence<byte>(writer.WrittenMemory[5..]);
        Assert.Equal(message, MessageCodec.Parse(EchoRequest.Parser, payload, compressed: true, "gzip", maxSize: null));
    }

    [Fact]
    public void WriteFrame_OverSendLimit_IsResourceExhausted()
    {
        var message = new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) };

        var ex = Assert.Throws<RpcException>(() => MessageCodec.WriteFrame(new ArrayBufferWriter<byte>(), message, compress: false, maxSize: 1000));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Theory]
    [InlineData(null, StatusCode.Internal)]
    [InlineData("identity", StatusCode.Internal)]
    [InlineData("snappy", StatusCode.Unimplemented)]
    public void Parse_CompressedWithoutUsableEncoding_FailsWithSpecStatus(string? encoding, StatusCode expected)
    {
        var ex = Assert.Throws<RpcException>(() =>
            MessageCodec.Parse(EchoRequest.Parser, new ReadOnlySequence<byte>(new byte[] { 1, 2, 3 }), compressed: true, encoding, maxSize: null));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public void Parse_DecompressedPastLimit_IsResourceExhausted()
    {
        var writer = new ArrayBufferWriter<byte>();
        MessageCodec.WriteFrame(writer, new EchoRequest { Message = new string('z', 50_000) }, compress: true, maxSize: null);

        var ex = Assert.Throws<RpcException>(() =>
            MessageCodec.Parse(EchoRequest.Parser, new ReadOnlySequence<byte>(writer.WrittenMemory[5..]), compressed: true, "gzip", maxSize: 10_000));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void Parse_GarbageBytes_IsInternal()
    {
        var garbage = Encoding.ASCII.GetBytes("\u00ff\u00ff\u00ff\u00ff not protobuf");

        var ex = Assert.Throws<RpcException>(() =>
            MessageCodec.Parse(EchoRequest.Parser, new ReadOnlySequence<byte>([0x0A, 0xFF, 0x01, .. garbage]), compressed: false, encoding: null, maxSize: null));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] first, byte[] second)
    {
        var start = new Segment(first, 0);
        var end = start.Append(second);
        return new ReadOnlySequence<byte>(start, 0, end, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
