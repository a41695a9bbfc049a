namespace RagPlatform.Grpc;

/// <summary>
/// A call that ended with a non-OK status. Thrown by handlers to choose the status sent to the
/// caller, and by the client when the server (or the transport) ends a call with one.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, innerException: null)
    {
    }

    public RpcException(Status status, Metadata trailers, Exception? innerException)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers;
    }

    public RpcException(StatusCode code, string detail)
        : this(new Status(code, detail))
    {
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailers sent with the status (server) or received with it (client).</summary>
    public Metadata Trailers { get; }
}
