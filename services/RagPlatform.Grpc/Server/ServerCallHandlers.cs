using System.Diagnostics;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RagPlatform.Grpc;

/// <summary>
/// Owns what every call shares: protocol checks, the call context, error mapping and telemetry.
/// Unary and server-streaming handlers only supply <see cref="HandleCallCoreAsync"/>.
/// </summary>
internal abstract class ServerCallHandlerBase<TService, TRequest, TResponse>(Method<TRequest, TResponse> method, GrpcServerRuntime runtime)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected GrpcServerRuntime Runtime { get; } = runtime;

    protected Method<TRequest, TResponse> Method { get; } = method;

    public Task HandleCallAsync(HttpContext httpContext) =>
        GrpcRequestValidation.TryAccept(httpContext, Runtime) ? HandleValidCallAsync(httpContext) : Task.CompletedTask;

    protected abstract Task HandleCallCoreAsync(TService service, TRequest request, HttpContextServerCallContext context);

    private async Task HandleValidCallAsync(HttpContext httpContext)
    {
        var started = Stopwatch.GetTimestamp();
        var context = new HttpContextServerCallContext(httpContext, Runtime, Method.FullName);
        var status = Status.DefaultSuccess;
        try
        {
            context.Initialize(httpContext.Request.Headers[GrpcProtocol.TimeoutHeader]);
            Runtime.Authenticate(httpContext.Request, Method.ServiceName);
            var request = await context.ReadSingleMessageAsync(Method.RequestParser);
            var service = httpContext.RequestServices.GetRequiredService<TService>();
            await HandleCallCoreAsync(service, request, context);
            status = context.Status;
            await context.EndCallAsync(status);
        }
        catch (Exception ex)
        {
            status = context.ProcessHandlerError(ex);
            await context.EndCallAsync(status);
        }
        finally
        {
            await context.DisposeAsync();
            Runtime.Metrics.CallEnded(Method.FullName, status.StatusCode, started);
        }
    }
}

internal sealed class UnaryServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoker,
    GrpcServerRuntime runtime)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, runtime)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task HandleCallCoreAsync(TService service, TRequest request, HttpContextServerCallContext context)
    {
        var response = await invoker(service, request, context)
            ?? throw new InvalidOperationException($"{Method.FullName} returned a null response.");
        await context.WriteMessageAsync(response, flush: false, context.CancellationToken);
    }
}

internal sealed class ServerStreamingServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method,
    Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker,
    GrpcServerRuntime runtime)
    : ServerCallHandlerBase<TService, TRequest, TResponse>(method, runtime)
    where TService : class
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override Task HandleCallCoreAsync(TService service, TRequest request, HttpContextServerCallContext context) =>
        invoker(service, request, new HttpContextStreamWriter<TResponse>(context), context);
}

internal sealed class HttpContextStreamWriter<TResponse>(HttpContextServerCallContext context) : IServerStreamWriter<TResponse>
    where TResponse : class, IMessage<TResponse>
{
    public Task WriteAsync(TResponse message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return context.WriteMessageAsync(message, flush: true, cancellationToken.CanBeCanceled ? cancellationToken : context.CancellationToken);
    }
}
