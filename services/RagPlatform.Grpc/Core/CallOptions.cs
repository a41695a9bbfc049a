namespace RagPlatform.Grpc;

/// <summary>Per-call settings on the client.</summary>
/// <param name="Headers">Custom request metadata.</param>
/// <param name="Deadline">When to give up (UTC). Sent as grpc-timeout and enforced locally; null uses the channel's default timeout.</param>
/// <param name="CancellationToken">Cancels the call (the server sees RST_STREAM).</param>
/// <param name="WriteCompressed">Gzip the request message; null uses the channel's setting.</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default,
    bool? WriteCompressed = null);
