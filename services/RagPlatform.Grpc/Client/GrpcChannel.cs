using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;

namespace RagPlatform.Grpc;

/// <summary>
/// A client for one server address. Owns one SocketsHttpHandler (HTTP/2 prior knowledge,
/// pooled, extra connections when a connection's streams are saturated, keep-alive pings), so
/// create one per server and share it; calls are thread-safe.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        _invoker = options.HttpHandler is { } handler
            ? new HttpMessageInvoker(handler, disposeHandler: false)
            : new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker => _invoker;

    /// <summary>A channel to "http://host:port" (cleartext HTTP/2) or "https://host:port" (HTTP/2 over TLS).</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"A gRPC address is http:// or https://, not '{address}'.", nameof(address));
        }

        return new GrpcChannel(new Uri(address.GetLeftPart(UriPartial.Authority) + "/"), options ?? new GrpcChannelOptions());
    }

    /// <summary>Calls a unary method. Non-OK status → <see cref="RpcException"/>.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var call = new GrpcCall<TRequest, TResponse>(this, method, options, observeHeaders: false);
        return await call.RunUnaryAsync(request);
    }

    /// <summary>Calls a unary method, keeping access to the response headers, status and trailers.</summary>
    public AsyncUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var call = new GrpcCall<TRequest, TResponse>(this, method, options, observeHeaders: true);
        return new AsyncUnaryCall<TResponse>(call.RunUnaryAsync(request), call);
    }

    /// <summary>Starts a server-streaming call. Dispose it to cancel a call not read to the end.</summary>
    public ServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        if (method.Type != MethodType.ServerStreaming)
        {
            throw new ArgumentException($"{method.FullName} is not server streaming.", nameof(method));
        }

        var call = new GrpcCall<TRequest, TResponse>(this, method, options, observeHeaders: true);
        call.Start(request);
        return new ServerStreamingCall<TResponse>(call);
    }

    public void Dispose() => _invoker.Dispose();

    internal Uri GetUri(string methodPath) =>
        _methodUris.GetOrAdd(methodPath, static (path, address) => new Uri(address, path.TrimStart('/')), Address);

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options) => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        ConnectTimeout = options.ConnectTimeout,
        KeepAlivePingDelay = options.KeepAlivePingDelay,
        KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    };
}
