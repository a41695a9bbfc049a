using System.Net;
using System.Net.Sockets;

namespace RagPlatform.Grpc.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class StatusMappingTests
{
    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(418, StatusCode.Unknown)]
    public void FromHttpStatus_FollowsTheSpecTable(int httpStatus, StatusCode expected)
    {
        Assert.Equal(expected, StatusMapping.FromHttpStatus((HttpStatusCode)httpStatus));
    }

    [Theory]
    [InlineData(0x0, StatusCode.Internal)]
    [InlineData(0x1, StatusCode.Internal)]
    [InlineData(0x2, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xB, StatusCode.ResourceExhausted)]
    [InlineData(0xC, StatusCode.PermissionDenied)]
    public void FromHttp2ErrorCode_FollowsTheSpecTable(long code, StatusCode expected)
    {
        Assert.Equal(expected, StatusMapping.FromHttp2ErrorCode(code));
    }

    [Fact]
    public void FromTransportException_ConnectionRefused_IsUnavailable()
    {
        var ex = new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal(StatusCode.Unavailable, StatusMapping.FromTransportException(ex).StatusCode);
    }

    [Fact]
    public void StatusCode_HasTheSeventeenWireValues()
    {
        Assert.Equal(Enumerable.Range(0, 17), Enum.GetValues<StatusCode>().Select(c => (int)c));
    }
}
