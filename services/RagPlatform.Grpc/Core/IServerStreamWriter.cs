namespace RagPlatform.Grpc;

/// <summary>Writes the messages of a server-streaming response, one at a time, each sent at once.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>
    /// Sends one message. Calls must not overlap. Throws <see cref="InvalidOperationException"/>
    /// once the call has completed (for example after its deadline passed).
    /// </summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
