using System.Runtime.CompilerServices;

namespace RagPlatform.Grpc;

/// <summary>What a finished or running client call can tell about itself.</summary>
internal interface IClientCallState : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}

internal interface IServerStreamingCallState<TResponse> : IClientCallState
{
    IAsyncEnumerable<TResponse> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>A running unary call. Await it (or <see cref="ResponseAsync"/>) for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IClientCallState _state;

    internal AsyncUnaryCall(Task<TResponse> responseAsync, IClientCallState state)
    {
        ResponseAsync = responseAsync;
        _state = state;
    }

    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response headers (custom entries only), as soon as they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    /// <summary>The final status; throws InvalidOperationException while the call is running.</summary>
    public Status GetStatus() => _state.GetStatus();

    /// <summary>The trailers (custom entries only); throws InvalidOperationException while the call is running.</summary>
    public Metadata GetTrailers() => _state.GetTrailers();

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if still running and releases its resources.</summary>
    public void Dispose() => _state.Dispose();
}

/// <summary>A running server-streaming call.</summary>
public sealed class ServerStreamingCall<TResponse> : IDisposable
{
    private readonly IServerStreamingCallState<TResponse> _state;
    private int _enumerated;

    internal ServerStreamingCall(IServerStreamingCallState<TResponse> state)
    {
        _state = state;
        ResponseStream = new ResponseEnumerable(this);
    }

    /// <summary>
    /// The response messages, in order; may be enumerated once. Ends normally on OK, throws
    /// <see cref="RpcException"/> on any other status (including one after some messages).
    /// </summary>
    public IAsyncEnumerable<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _state.ResponseHeadersAsync;

    public Status GetStatus() => _state.GetStatus();

    public Metadata GetTrailers() => _state.GetTrailers();

    /// <summary>Cancels the call if not read to the end (the server sees RST_STREAM) and releases it.</summary>
    public void Dispose() => _state.Dispose();

    private sealed class ResponseEnumerable(ServerStreamingCall<TResponse> owner) : IAsyncEnumerable<TResponse>
    {
        public IAsyncEnumerator<TResponse> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            Interlocked.Exchange(ref owner._enumerated, 1) == 0
                ? owner._state.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken)
                : throw new InvalidOperationException("The response stream can be read only once.");
    }
}
