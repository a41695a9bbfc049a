using System.Buffers.Binary;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace RagPlatform.Interop.Tests.Infrastructure;

/// <summary>Hand-made gRPC requests over a plain HTTP/2 HttpClient, for what a well-behaved client never sends.</summary>
internal static class RawGrpc
{
    public static byte[] Frame(IMessage message, byte flag = 0)
    {
        var payload = message.ToByteArray();
        return Frame(payload, flag);
    }

    public static byte[] Frame(byte[] payload, byte flag = 0)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<RawResponse> PostAsync(HttpClient client, string url, byte[] body, string contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body),
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        var bytes = await response.Content.ReadAsByteArrayAsync().DefaultTimeout();
        string? Find(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First()
            : null;
        return new RawResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            Find("grpc-status"),
            Find("grpc-message") is { } message ? Uri.UnescapeDataString(message) : null,
            Find("grpc-encoding"),
            response.Headers.TryGetValues("grpc-status", out _),
            bytes);
    }

    public sealed record RawResponse(int HttpStatus, string? ContentType, string? GrpcStatus, string? GrpcMessage, string? GrpcEncoding, bool TrailersOnly, byte[] Body);
}
