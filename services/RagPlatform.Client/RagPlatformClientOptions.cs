namespace RagPlatform.Client;

/// <summary>How a <see cref="RagPlatformClient"/> calls the gateway.</summary>
public sealed record RagPlatformClientOptions
{
    /// <summary>Sent as <c>Authorization: Bearer</c> on every request; null sends none (only the health probes need none).</summary>
    public string? ApiKey { get; init; }

    /// <summary>How often a request refused with 429 (over the key's rate) is sent again after its Retry-After.</summary>
    public int RateLimitRetries { get; init; } = 2;

    /// <summary>The longest Retry-After honoured; a longer one is waited for this long.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often <see cref="RagPlatformClient.WaitUntilSettledAsync"/> looks at the documents.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
