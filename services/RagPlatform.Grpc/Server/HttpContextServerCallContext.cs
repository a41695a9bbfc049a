using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace RagPlatform.Grpc;

/// <summary>
/// The state of one call on the server: deadline, cancellation, request reading, response
/// writing and the single place where failures become statuses.
/// </summary>
internal sealed class HttpContextServerCallContext : ServerCallContext, IAsyncDisposable
{
    // Past this a deadline is "never" for timers (CancelAfter is limited to ~49 days).
    private static readonly TimeSpan MaxTimerTimeout = TimeSpan.FromDays(30);

    private readonly HttpContext _httpContext;
    private readonly GrpcServerRuntime _runtime;
    private CancellationTokenSource? _deadlineSource;
    private CancellationTokenRegistration _deadlineRegistration;
    private SemaphoreSlim? _writeGate;
    private Task? _deadlineTask;
    private TimeSpan _timeout;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private bool _compressResponses;
    private bool _headersWritten;
    private bool _completed;
    private int _messagesWritten;
    private DateTime _deadline = DateTime.MaxValue;
    private CancellationToken _cancellationToken;

    public HttpContextServerCallContext(HttpContext httpContext, GrpcServerRuntime runtime, string method)
    {
        _httpContext = httpContext;
        _runtime = runtime;
        Method = method;
        _cancellationToken = httpContext.RequestAborted;
    }

    public override string Method { get; }

    public override string Host => _httpContext.Request.Host.Value ?? "";

    public override string Peer => _httpContext.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{_httpContext.Connection.RemotePort}",
        var ip => $"ipv4:{ip}:{_httpContext.Connection.RemotePort}",
    };

    public override DateTime Deadline => _deadline;

    public override CancellationToken CancellationToken => _cancellationToken;

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders(_httpContext.Request.Headers);

    public override Metadata ResponseTrailers => _responseTrailers ??= [];

    public override Status Status { get; set; } = Status.DefaultSuccess;

    internal HttpContext HttpContext => _httpContext;

    internal bool ClientAborted => _httpContext.RequestAborted.IsCancellationRequested;

    /// <summary>Sets up response headers and the deadline. Kept out of the constructor so a failure here is a status, not a crash.</summary>
    public HttpContextServerCallContext Initialize(string? timeoutHeader)
    {
        var response = _httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.AcceptEncodingValue;
        if (_runtime.Options.ResponseCompression == GrpcCompression.Gzip
            && GrpcProtocol.AcceptsEncoding(_httpContext.Request.Headers[GrpcProtocol.AcceptEncodingHeader], GrpcProtocol.GzipEncoding))
        {
            _compressResponses = true;
            response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.GzipEncoding;
        }

        // The per-message limit governs gRPC; Kestrel's whole-body limit would cut long streams.
        if (_httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (timeoutHeader is not null)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var timeout))
            {
                GrpcServerLog.InvalidTimeoutIgnored(_runtime.Logger, timeoutHeader, Method);
            }
            else if (timeout < MaxTimerTimeout)
            {
                StartDeadline(timeout);
            }
        }

        return this;
    }

    /// <summary>Reads exactly one request message and the end of the request stream.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var reader = _httpContext.Request.BodyReader;
        T? message = null;
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken);
            var buffer = result.Buffer;
            if (message is null && MessageFraming.TryReadHeader(buffer, out var compressed, out var length))
            {
                if (length > _runtime.Options.MaxReceiveMessageSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {_runtime.Options.MaxReceiveMessageSize} bytes).");
                }

                var frameLength = MessageFraming.HeaderSize + length;
                if (buffer.Length >= frameLength)
                {
                    message = ParseRequest(parser, buffer.Slice(MessageFraming.HeaderSize, length), compressed);
                    buffer = buffer.Slice(frameLength);
                }
            }

            if (message is not null && !buffer.IsEmpty)
            {
                reader.AdvanceTo(buffer.Start);
                throw new RpcException(StatusCode.Internal, "Additional data after the request message: this method takes exactly one.");
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return message ?? throw new RpcException(StatusCode.Internal, buffer.IsEmpty
                    ? "The request ended without a message."
                    : $"The request ended inside a message frame ({buffer.Length} bytes left over).");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Frames one message into the response. Streaming flushes each; unary lets the end of the call flush it with the trailers.</summary>
    public async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        var gate = _writeGate;
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Can't write the message: the call is already complete (its deadline may have passed).");
            }

            CancellationToken.ThrowIfCancellationRequested();
            var writer = _httpContext.Response.BodyWriter;
            MessageCodec.WriteFrame(writer, message, _compressResponses, _runtime.Options.MaxSendMessageSize);
            _messagesWritten++;
            if (flush)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            gate?.Release();
        }
    }

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        if (_headersWritten || _httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once per call, before any message.");
        }

        var headers = _httpContext.Response.Headers;
        foreach (var entry in responseHeaders)
        {
            headers.Append(entry.Key, MetadataHeaders.EncodeValue(entry));
        }

        _headersWritten = true;
        await _httpContext.Response.BodyWriter.FlushAsync(CancellationToken);
    }

    /// <summary>
    /// Sends the status once. Before any message it goes in the headers (a trailers-only
    /// response), otherwise in the trailers. Later attempts, e.g. a handler finishing after its
    /// deadline was answered, are ignored.
    /// </summary>
    public async Task EndCallAsync(Status status)
    {
        if (ClientAborted)
        {
            return;
        }

        var gate = _writeGate;
        if (gate is not null)
        {
            await gate.WaitAsync();
        }

        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            var response = _httpContext.Response;
            var trailersOnly = !response.HasStarted && !_headersWritten && _messagesWritten == 0;
            Write(response, trailersOnly, GrpcProtocol.StatusTrailer, StatusText(status.StatusCode));
            if (!string.IsNullOrEmpty(status.Detail))
            {
                Write(response, trailersOnly, GrpcProtocol.MessageTrailer, PercentEncoding.Encode(status.Detail));
            }

            if (_responseTrailers is not null)
            {
                foreach (var entry in _responseTrailers)
                {
                    Write(response, trailersOnly, entry.Key, MetadataHeaders.EncodeValue(entry));
                }
            }

            if (gate is not null)
            {
                // With a deadline the handler may still be running: end the HTTP/2 stream now.
                await response.CompleteAsync();
            }
        }
        finally
        {
            gate?.Release();
        }

        static void Write(HttpResponse response, bool trailersOnly, string key, string value)
        {
            if (trailersOnly)
            {
                response.Headers.Append(key, value);
            }
            else
            {
                response.AppendTrailer(key, value);
            }
        }
    }

    /// <summary>The one place a failure becomes a status (and a log entry at the right level).</summary>
    public Status ProcessHandlerError(Exception exception)
    {
        if (exception is not RpcException && _runtime.MapException(exception) is { } mapped)
        {
            exception = mapped;
        }

        if (exception is RpcException rpc)
        {
            GrpcServerLog.RpcStatus(_runtime.Logger, Method, rpc.StatusCode, rpc.Status.Detail);
            foreach (var entry in rpc.Trailers)
            {
                ResponseTrailers.Add(entry);
            }

            return rpc.Status;
        }

        if (ClientAborted && exception is OperationCanceledException or IOException)
        {
            GrpcServerLog.CallCancelledByClient(_runtime.Logger, Method);
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        if (_deadlineSource is { IsCancellationRequested: true } && exception is OperationCanceledException)
        {
            return DeadlineExceededStatus();
        }

        GrpcServerLog.ErrorExecutingServiceMethod(_runtime.Logger, Method, exception);
        var detail = _runtime.Options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : "Exception was thrown by handler.";
        return new Status(StatusCode.Unknown, detail);
    }

    public async ValueTask DisposeAsync()
    {
        if (_deadlineSource is null)
        {
            return;
        }

        // Waits for a deadline callback already running; after this no new one starts.
        await _deadlineRegistration.DisposeAsync();
        if (_deadlineTask is not null)
        {
            await _deadlineTask;
        }

        _deadlineSource.Dispose();
        _writeGate!.Dispose();
    }

    private T ParseRequest<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload, bool compressed)
        where T : class, IMessage<T> =>
        MessageCodec.Parse(parser, payload, compressed, _httpContext.Request.Headers[GrpcProtocol.EncodingHeader], _runtime.Options.MaxReceiveMessageSize);

    private void StartDeadline(TimeSpan timeout)
    {
        _timeout = timeout;
        _writeGate = new SemaphoreSlim(1, 1);
        _deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(_httpContext.RequestAborted);
        _deadline = DateTime.UtcNow + timeout;
        _cancellationToken = _deadlineSource.Token;
        _deadlineRegistration = _deadlineSource.Token.UnsafeRegister(static state => ((HttpContextServerCallContext)state!).OnDeadline(), this);
        _deadlineSource.CancelAfter(timeout);
    }

    private void OnDeadline()
    {
        if (!ClientAborted)
        {
            GrpcServerLog.DeadlineExceeded(_runtime.Logger, Method, _timeout);
            _deadlineTask = Task.Run(() => EndCallAsync(DeadlineExceededStatus()));
        }
    }

    private static Status DeadlineExceededStatus() => new(StatusCode.DeadlineExceeded, "Deadline Exceeded");

    // Cached: the status goes out on every call.
    private static readonly string[] StatusTexts = Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static string StatusText(StatusCode code) =>
        (uint)code < (uint)StatusTexts.Length ? StatusTexts[(int)code] : ((int)code).ToString(CultureInfo.InvariantCulture);

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                MetadataHeaders.AddHeaderValue(metadata, key, value);
            }
        }

        return metadata;
    }
}
