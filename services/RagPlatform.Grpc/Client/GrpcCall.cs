using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace RagPlatform.Grpc;

/// <summary>
/// One client call: builds the HTTP/2 request, enforces the deadline locally, reads frames and
/// the status, and turns every failure into an <see cref="RpcException"/> in one place (Fail).
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IServerStreamingCallState<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    // Past this a deadline is "never" for the local timer (CancelAfter is limited to ~49 days).
    private static readonly TimeSpan MaxTimerTimeout = TimeSpan.FromDays(30);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly DateTime? _deadline;
    private readonly CancellationTokenSource? _callSource;
    private readonly CancellationToken _callToken;
    private readonly TaskCompletionSource<Metadata>? _headersSource;
    private Task? _startTask;
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private ResponseFrameReader? _reader;
    private string? _responseEncoding;
    private Status? _status;
    private Metadata? _trailers;
    private volatile bool _disposed;
    private volatile bool _readerCancelled;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options, bool observeHeaders)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = options.Deadline ?? (channel.Options.DefaultTimeout is { } timeout ? DateTime.UtcNow + timeout : null);
        if (_deadline is null && !observeHeaders)
        {
            _callToken = options.CancellationToken;
        }
        else
        {
            // Calls the caller can dispose or that have a deadline need their own source to cancel.
            _callSource = options.CancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
                : new CancellationTokenSource();
            _callToken = _callSource.Token;
            if (_deadline is { } deadline)
            {
                var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    _callSource.Cancel();
                }
                else if (remaining < MaxTimerTimeout)
                {
                    _callSource.CancelAfter(remaining);
                }
            }
        }

        if (observeHeaders)
        {
            _headersSource = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task<Metadata> ResponseHeadersAsync => _headersSource?.Task ?? throw new InvalidOperationException("This call does not expose response headers.");

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call is still running: its status is not known yet.");

    public Metadata GetTrailers() =>
        _status is null ? throw new InvalidOperationException("The call is still running: its trailers are not known yet.") : _trailers ?? [];

    public void Start(TRequest request) => _startTask = StartAsync(request);

    public async Task<TResponse> RunUnaryAsync(TRequest request)
    {
        try
        {
            await StartAsync(request);
            var response = await ReadMessageAsync(_callToken)
                ?? throw Fail(new RpcException(StatusCode.Internal, "The server ended a unary call with OK but no response message."));
            if (await ReadMessageAsync(_callToken) is not null)
            {
                throw Fail(new RpcException(StatusCode.Internal, "The server sent more than one response message for a unary call."));
            }

            return response;
        }
        finally
        {
            Release();
        }
    }

    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).CancelReader(), this)
            : default;
        try
        {
            await _startTask!;
            while (await ReadMessageAsync(_callToken) is { } message)
            {
                yield return message;
            }
        }
        finally
        {
            Release();
        }
    }

    public void Dispose()
    {
        if (_status is not null)
        {
            Release();
            return;
        }

        // Still running: cancel it. The reading side releases the buffers it may be using.
        _disposed = true;
        CancelQuietly();
        _response?.Dispose();
    }

    private async Task StartAsync(TRequest request)
    {
        try
        {
            _callToken.ThrowIfCancellationRequested();
            var compress = _options.WriteCompressed ?? _channel.Options.RequestCompression == GrpcCompression.Gzip;
            var frame = new PooledBuffer();
            try
            {
                MessageCodec.WriteFrame(frame, request, compress, _channel.Options.MaxSendMessageSize);
            }
            catch
            {
                frame.Dispose();
                throw;
            }

            _request = CreateRequest(new GrpcRequestContent(frame), compress);
            _response = await _channel.Invoker.SendAsync(_request, _callToken);
            if (ReadResponseHeaders(_response))
            {
                _reader = new ResponseFrameReader(await _response.Content.ReadAsStreamAsync(_callToken), _channel.Options.MaxReceiveMessageSize);
            }
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>The next message; null once the call ended with OK. Any other status throws.</summary>
    private async ValueTask<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_reader is null)
            {
                return null;
            }

            if (await _reader.ReadFrameAsync(cancellationToken) is { } frame)
            {
                return MessageCodec.Parse(_method.ResponseParser, frame.Payload, frame.Compressed, _responseEncoding, _channel.Options.MaxReceiveMessageSize);
            }

            var trailers = _response!.TrailingHeaders;
            _trailers = ToMetadata(trailers);
            Complete(ReadStatus(trailers) ?? new Status(StatusCode.Internal, "The response ended without a grpc-status trailer."));
            return null;
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>Checks the response headers; false when they already ended the call (trailers-only OK).</summary>
    private bool ReadResponseHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(StatusMapping.FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        var contentType = response.Content.Headers.NonValidated.TryGetValues("content-type", out var values) ? values.ToString() : null;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Unknown, $"Bad gRPC response. Invalid content-type: '{contentType}'.");
        }

        if (response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var encoding))
        {
            _responseEncoding = encoding.ToString();
        }

        var headers = _headersSource is null && !response.Headers.NonValidated.Contains(GrpcProtocol.StatusTrailer) ? null : ToMetadata(response.Headers);
        _headersSource?.TrySetResult(headers!);
        if (ReadStatus(response.Headers) is { } status)
        {
            _trailers = headers;
            Complete(status);
            return false;
        }

        return true;
    }

    private void Complete(Status status)
    {
        _status = status;
        if (status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(status, _trailers ?? []);
        }
    }

    /// <summary>The one place failures become statuses. Idempotent: the first status recorded wins.</summary>
    private RpcException Fail(Exception exception)
    {
        var rpc = exception switch
        {
            RpcException e => e,
            _ when _options.CancellationToken.IsCancellationRequested || _readerCancelled || _disposed =>
                new RpcException(new Status(StatusCode.Cancelled, "Call cancelled by the client."), [], exception),
            _ when _deadline is not null && _callSource!.IsCancellationRequested =>
                new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), [], exception),
            OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "Call cancelled."), [], exception),
            _ => new RpcException(StatusMapping.FromTransportException(exception), [], exception),
        };
        _status ??= rpc.Status;
        _headersSource?.TrySetException(rpc);
        CancelQuietly();
        _response?.Dispose();
        return rpc;
    }

    private void CancelReader()
    {
        _readerCancelled = true;
        CancelQuietly();
    }

    private void CancelQuietly()
    {
        try
        {
            _callSource?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Release()
    {
        _reader?.Dispose();
        _reader = null;
        _response?.Dispose();
        _request?.Dispose();
        _callSource?.Dispose();
    }

    private HttpRequestMessage CreateRequest(HttpContent content, bool compress)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.AcceptEncodingValue);
        if (compress)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.GzipEncoding);
        }

        if (_deadline is { } deadline)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }

        foreach (var metadata in new[] { _channel.Options.DefaultHeaders, _options.Headers })
        {
            foreach (var entry in metadata ?? [])
            {
                headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.EncodeValue(entry));
            }
        }

        return request;
    }

    private static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusTrailer, out var statusValues))
        {
            return null;
        }

        var code = int.TryParse(statusValues.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? (StatusCode)parsed
            : StatusCode.Unknown;
        var detail = headers.NonValidated.TryGetValues(GrpcProtocol.MessageTrailer, out var messageValues)
            ? PercentEncoding.Decode(messageValues.ToString())
            : "";
        return new Status(code, detail);
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                MetadataHeaders.AddHeaderValue(metadata, key.ToLowerInvariant(), value);
            }
        }

        return metadata;
    }
}
