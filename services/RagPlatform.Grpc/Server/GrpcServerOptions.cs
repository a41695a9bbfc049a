using Microsoft.Extensions.Options;

namespace RagPlatform.Grpc;

/// <summary>Message compression a peer may use: none, or gzip.</summary>
public enum GrpcCompression
{
    None,
    Gzip,
}

/// <summary>Server-side transport settings, bound from the "Grpc" configuration section.</summary>
public sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc";

    /// <summary>Largest request message accepted (after decompression); larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Compress responses with this algorithm when the caller accepts it.</summary>
    public GrpcCompression ResponseCompression { get; set; } = GrpcCompression.None;

    /// <summary>Send exception type and message to callers. Off in production: they may leak internals.</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// When set, every call except grpc.health.v1 (probes cannot carry secrets) must send
    /// <c>authorization: Bearer &lt;token&gt;</c>; others get UNAUTHENTICATED. Clients of the internal services set the
    /// same value. Compared in constant time.
    /// </summary>
    public string? SharedToken { get; set; }

    /// <summary>Where <c>UseGrpcEndpoint()</c> listens (cleartext HTTP/2), e.g. "http://0.0.0.0:5001". Port 0 picks a free port.</summary>
    public string? Url { get; set; }
}

internal sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxReceiveMessageSize <= 0)
        {
            failures.Add($"Grpc:MaxReceiveMessageSize must be positive (was {options.MaxReceiveMessageSize}).");
        }

        if (options.MaxSendMessageSize <= 0)
        {
            failures.Add($"Grpc:MaxSendMessageSize must be positive (was {options.MaxSendMessageSize}).");
        }

        if (!Enum.IsDefined(options.ResponseCompression))
        {
            failures.Add($"Grpc:ResponseCompression must be None or Gzip (was {options.ResponseCompression}).");
        }

        if (options.Url is not null && !GrpcEndpointAddress.TryParse(options.Url, out _, out _))
        {
            failures.Add($"Grpc:Url must look like http://host:port (was '{options.Url}').");
        }

        if (options.SharedToken is { Length: > 0 and < 16 })
        {
            failures.Add("Grpc:SharedToken must be at least 16 characters when set.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
