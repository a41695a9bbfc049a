namespace RagPlatform.Grpc;

/// <summary>Client-side transport settings for a <see cref="GrpcChannel"/>.</summary>
public sealed record GrpcChannelOptions
{
    /// <summary>Largest response message accepted (after decompression); larger → RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; larger → RESOURCE_EXHAUSTED before sending. Null: no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>Gzip every request message unless a call says otherwise.</summary>
    public GrpcCompression RequestCompression { get; init; } = GrpcCompression.None;

    /// <summary>Timeout of calls that set no deadline. Null: such calls wait indefinitely.</summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>How long to wait for a TCP connection before failing with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 PING interval on an idle connection that has calls in flight, to detect dead peers.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Metadata sent with every call of the channel (e.g. the internal bearer token), before each call's own headers.</summary>
    public Metadata? DefaultHeaders { get; init; }

    /// <summary>Replaces the channel's own SocketsHttpHandler (tests, proxies). The channel does not dispose it.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
