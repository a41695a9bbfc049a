using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>
/// The one place a handler's failure becomes a status: an <see cref="RpcException"/> keeps its own; an exception a
/// registered <see cref="IExceptionStatusMapper"/> claims gets that status; a call its caller cancelled (or whose
/// deadline passed) is CANCELLED and logged at Information; anything else is logged at Error and answered UNKNOWN with
/// a generic message, the exception's own text only when <c>Grpc:EnableDetailedErrors</c> is on.
/// </summary>
internal sealed class ExceptionStatusInterceptor(
    IEnumerable<IExceptionStatusMapper> mappers,
    IOptions<GrpcServerOptions> options,
    ILogger<ExceptionStatusInterceptor> logger) : Interceptor
{
    private readonly IExceptionStatusMapper[] _mappers = [.. mappers];
    private readonly bool _detailedErrors = options.Value.EnableDetailedErrors;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw ToRpcException(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw ToRpcException(ex, context);
        }
    }

    private RpcException ToRpcException(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException or IOException && context.CancellationToken.IsCancellationRequested)
        {
            // The caller hung up or its deadline passed: normal traffic, not a fault of ours.
            GrpcServerLog.CallCancelled(logger, context.Method);
            return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }

        foreach (var mapper in _mappers)
        {
            if (mapper.Map(exception) is { } mapped)
            {
                return mapped;
            }
        }

        GrpcServerLog.HandlerFailed(logger, context.Method, exception);
        var detail = _detailedErrors ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}" : "Exception was thrown by handler.";
        return new RpcException(new Status(StatusCode.Unknown, detail, exception));
    }
}
