using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;

namespace RagPlatform.Grpc;

/// <summary>
/// Binds the methods of a protobuf service descriptor, by name, onto the public methods of a
/// class. All reflection happens here, once at startup; calls go through typed delegates.
/// </summary>
internal static class GrpcServiceBinder
{
    private static readonly MethodInfo CreateUnaryMethod = typeof(GrpcServiceBinder).GetMethod(nameof(CreateUnary), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CreateServerStreamingMethod = typeof(GrpcServiceBinder).GetMethod(nameof(CreateServerStreaming), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static IReadOnlyList<BoundMethod> Bind<TService>(ServiceDescriptor service, GrpcServerRuntime runtime)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(service);
        var bound = new List<BoundMethod>();
        var errors = new List<string>();
        foreach (var descriptor in service.Methods)
        {
            var path = Method.FullName(descriptor);
            if (descriptor.IsClientStreaming)
            {
                errors.Add($"{path} is {(descriptor.IsServerStreaming ? "bidirectional" : "client")} streaming, which this transport does not support.");
                continue;
            }

            var request = descriptor.InputType.ClrType;
            var response = descriptor.OutputType.ClrType;
            var (parameters, returnType, signature) = descriptor.IsServerStreaming
                ? (new[] { request, typeof(IServerStreamWriter<>).MakeGenericType(response), typeof(ServerCallContext) }, typeof(Task),
                    $"Task {descriptor.Name}({request.Name} request, IServerStreamWriter<{response.Name}> responseStream, ServerCallContext context)")
                : (new[] { request, typeof(ServerCallContext) }, typeof(Task<>).MakeGenericType(response),
                    $"Task<{response.Name}> {descriptor.Name}({request.Name} request, ServerCallContext context)");

            var candidates = typeof(TService).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.Name == descriptor.Name)
                .ToArray();
            var match = candidates.FirstOrDefault(m =>
                m.ReturnType == returnType && !m.IsGenericMethodDefinition
                && m.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters));
            if (match is null)
            {
                errors.Add(candidates.Length == 0
                    ? $"{path}: {typeof(TService).Name} has no public method '{signature}'."
                    : $"{path}: {typeof(TService).Name}.{descriptor.Name} must be '{signature}'; found '{Describe(candidates[0])}'.");
                continue;
            }

            var factory = (descriptor.IsServerStreaming ? CreateServerStreamingMethod : CreateUnaryMethod)
                .MakeGenericMethod(typeof(TService), request, response);
            var handler = (RequestDelegate)factory.Invoke(null, [descriptor, match, runtime])!;
            bound.Add(new BoundMethod(path, handler));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cannot bind gRPC service {service.FullName} onto {typeof(TService).FullName}:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", errors));
        }

        return bound;
    }

    private static RequestDelegate CreateUnary<TService, TRequest, TResponse>(MethodDescriptor descriptor, MethodInfo target, GrpcServerRuntime runtime)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var invoker = target.CreateDelegate<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>();
        return new UnaryServerCallHandler<TService, TRequest, TResponse>(Method.Create<TRequest, TResponse>(descriptor), invoker, runtime).HandleCallAsync;
    }

    private static RequestDelegate CreateServerStreaming<TService, TRequest, TResponse>(MethodDescriptor descriptor, MethodInfo target, GrpcServerRuntime runtime)
        where TService : class
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var invoker = target.CreateDelegate<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>();
        return new ServerStreamingServerCallHandler<TService, TRequest, TResponse>(Method.Create<TRequest, TResponse>(descriptor), invoker, runtime).HandleCallAsync;
    }

    private static string Describe(MethodInfo method) =>
        $"{method.ReturnType.Name} {method.Name}({string.Join(", ", method.GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}"))})";
}

internal sealed record BoundMethod(string Path, RequestDelegate Handler);
