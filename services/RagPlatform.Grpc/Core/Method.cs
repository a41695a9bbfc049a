using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace RagPlatform.Grpc;

/// <summary>The call shapes this transport serves. Client and bidirectional streaming are not supported.</summary>
public enum MethodType
{
    Unary,
    ServerStreaming,
}

/// <summary>Builds typed <see cref="Method{TRequest,TResponse}"/> objects from protoc's descriptors.</summary>
public static class Method
{
    /// <summary>
    /// The method <paramref name="name"/> of <paramref name="service"/>, checked against the message
    /// types and the call shape the caller expects.
    /// </summary>
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(service);
        var descriptor = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service '{service.FullName}' has no method '{name}'.", nameof(name));
        return Create<TRequest, TResponse>(descriptor);
    }

    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(MethodDescriptor descriptor)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.IsClientStreaming)
        {
            throw new NotSupportedException($"{FullName(descriptor)} is client or bidirectional streaming, which this transport does not support.");
        }

        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException(
                $"{FullName(descriptor)} takes {descriptor.InputType.ClrType?.Name} and returns {descriptor.OutputType.ClrType?.Name}, " +
                $"not {typeof(TRequest).Name} and {typeof(TResponse).Name}.",
                nameof(descriptor));
        }

        return new Method<TRequest, TResponse>(
            descriptor.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
            descriptor.Service.FullName,
            descriptor.Name,
            (MessageParser<TRequest>)descriptor.InputType.Parser,
            (MessageParser<TResponse>)descriptor.OutputType.Parser);
    }

    internal static string FullName(MethodDescriptor descriptor) => $"/{descriptor.Service.FullName}/{descriptor.Name}";
}

/// <summary>One RPC method: its path, shape and message parsers. Immutable; build once and share.</summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal Method(MethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
    {
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = $"/{serviceName}/{name}";
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    public MethodType Type { get; }

    /// <summary>Fully qualified service name, e.g. "rag.v1.Embedder".</summary>
    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 :path, e.g. "/rag.v1.Embedder/Embed".</summary>
    public string FullName { get; }

    public MessageParser<TRequest> RequestParser { get; }

    public MessageParser<TResponse> ResponseParser { get; }

    public override string ToString() => FullName;
}
