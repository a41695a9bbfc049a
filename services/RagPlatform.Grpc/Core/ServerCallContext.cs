namespace RagPlatform.Grpc;

/// <summary>What a service method knows about the call it is serving.</summary>
public abstract class ServerCallContext
{
    /// <summary>The full method path, e.g. "/rag.v1.Embedder/Embed".</summary>
    public abstract string Method { get; }

    /// <summary>The :authority the caller addressed.</summary>
    public abstract string Host { get; }

    /// <summary>The caller's address, e.g. "ipv4:127.0.0.1:50312".</summary>
    public abstract string Peer { get; }

    /// <summary>When the caller stops waiting (UTC); <see cref="DateTime.MaxValue"/> without a deadline.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Cancelled when the caller cancels, the connection drops or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Custom request metadata (reserved protocol headers removed).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Trailers sent with the status when the call ends.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status sent when the handler returns normally; OK unless set.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Sends the response headers now, with these custom entries. At most once, before any message.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
