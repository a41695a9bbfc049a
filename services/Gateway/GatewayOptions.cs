namespace RagPlatform.Gateway;

/// <summary>Settings of the gateway, section "Gateway" (environment: Gateway__Url etc.).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Where the HTTP API and the web UI listen (HTTP/1.1 and HTTP/2). Port 0 picks a free port.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8080";

    /// <summary>The orchestrator's gRPC address.</summary>
    public string OrchestratorUrl { get; set; } = "http://127.0.0.1:50054";

    /// <summary>Holds the API key database (keys.db) and, when no key was configured, the generated first key.</summary>
    public string DataDirectory { get; set; } = ".data/gateway";

    /// <summary>
    /// An admin key the gateway accepts from its first start (stored hashed like any other). Unset: on first start
    /// the gateway generates one and writes it to {DataDirectory}/bootstrap-api-key (mode 600), never to the log.
    /// </summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>Largest file one upload may carry, and files per upload request.</summary>
    public long MaxUploadBytes { get; set; } = 32L * 1024 * 1024;

    public int MaxFilesPerUpload { get; set; } = 20;

    /// <summary>Largest JSON request body.</summary>
    public int MaxJsonBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Time an answer may take when the request names none, and the most it may ask for.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan MaxAskTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time any other call to the orchestrator may take.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests per second each API key may make on average, and the burst it may spend at once.</summary>
    public int RequestsPerSecond { get; set; } = 20;

    public int RequestBurst { get; set; } = 40;

    /// <summary>Answers each API key may have in flight at once; more wait for none and get 429.</summary>
    public int MaxConcurrentAsksPerKey { get; set; } = 8;

    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _))
        {
            yield return $"{SectionName}:Url must be an absolute http URL (was '{Url}').";
        }

        if (!Uri.TryCreate(OrchestratorUrl, UriKind.Absolute, out _))
        {
            yield return $"{SectionName}:OrchestratorUrl must be an absolute http URL (was '{OrchestratorUrl}').";
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{SectionName}:DataDirectory is required.";
        }

        if (BootstrapApiKey is { Length: < 24 })
        {
            yield return $"{SectionName}:BootstrapApiKey must be at least 24 characters when set.";
        }

        foreach (var (name, value) in new (string, long)[]
        {
            (nameof(MaxUploadBytes), MaxUploadBytes), (nameof(MaxFilesPerUpload), MaxFilesPerUpload), (nameof(MaxJsonBodyBytes), MaxJsonBodyBytes),
            (nameof(RequestsPerSecond), RequestsPerSecond), (nameof(RequestBurst), RequestBurst), (nameof(MaxConcurrentAsksPerKey), MaxConcurrentAsksPerKey),
        })
        {
            if (value < 1)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        foreach (var (name, value) in new[] { (nameof(AskTimeout), AskTimeout), (nameof(MaxAskTimeout), MaxAskTimeout), (nameof(CallTimeout), CallTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        if (AskTimeout > MaxAskTimeout)
        {
            yield return $"{SectionName}:AskTimeout ({AskTimeout}) must not exceed {SectionName}:MaxAskTimeout ({MaxAskTimeout}).";
        }
    }
}
