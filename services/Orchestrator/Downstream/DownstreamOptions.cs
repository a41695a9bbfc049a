namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// How the orchestrator reaches one model service and how patient it is with it; sections "Downstream:Embedder",
/// "Downstream:Reranker" and "Downstream:Generator".
/// </summary>
public sealed class DownstreamOptions
{
    public const string SectionName = "Downstream";

    /// <summary>
    /// The service's cleartext HTTP/2 address, e.g. http://127.0.0.1:50051; or dns:///name:port to spread calls round
    /// robin over every address the name resolves to (a Kubernetes headless Service), re-resolved every 30 s.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>A static list of replicas (http://host:port each), called round robin; when set, <see cref="Url"/> is not used.</summary>
    public string[] Addresses { get; set; } = [];

    /// <summary>Budget of one call including its retries; the caller's own deadline shortens it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Budget of one attempt of an idempotent call (sent downstream as its gRPC deadline).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Retries of an idempotent call after UNAVAILABLE or an attempt's deadline; 0 disables.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Failure ratio over <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls in <see cref="SamplingDuration"/> before the ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 4;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit fails calls at once before letting one through to probe.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(3);

    public IEnumerable<string> Validate(string section)
    {
        if (Addresses.Length > 0)
        {
            foreach (var address in Addresses.Where(a => !IsHttp(a)))
            {
                yield return $"{section}:Addresses must hold http://host:port addresses (was '{address}').";
            }
        }
        else if (!IsHttp(Url) && !IsDns(Url))
        {
            yield return $"{section}:Url must be an http(s) address of the service or dns:///host:port (was '{Url}').";
        }

        foreach (var (name, value) in new[] { (nameof(Timeout), Timeout), (nameof(AttemptTimeout), AttemptTimeout), (nameof(SamplingDuration), SamplingDuration) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{section}:{name} must be positive (was {value}).";
            }
        }

        if (MaxRetries is < 0 or > 10)
        {
            yield return $"{section}:MaxRetries must be 0 to 10 (was {MaxRetries}).";
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            yield return $"{section}:RetryDelay must not be negative (was {RetryDelay}).";
        }

        if (FailureRatio is <= 0 or > 1)
        {
            yield return $"{section}:FailureRatio must be in (0, 1] (was {FailureRatio}).";
        }

        if (MinimumThroughput < 2)
        {
            yield return $"{section}:MinimumThroughput must be at least 2 (was {MinimumThroughput}).";
        }

        // Polly's own floor for the break duration.
        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{section}:BreakDuration must be at least 0.5 s (was {BreakDuration}).";
        }
    }

    private static bool IsHttp(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsDns(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == "dns" && uri.AbsolutePath.Trim('/').Contains(':', StringComparison.Ordinal);
}
