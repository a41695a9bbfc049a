namespace RagPlatform.ModelStore;

/// <summary>Where models come from and the limits of a pull; validated when a <see cref="ModelInstaller"/> is built.</summary>
public sealed record ModelStoreOptions
{
    public static readonly Uri DefaultHub = new("https://huggingface.co/");

    /// <summary>Base URL of the hub (or a mirror with the same URL shapes).</summary>
    public Uri Hub { get; init; } = DefaultHub;

    /// <summary>Bearer token for gated or private repositories; sent to the hub only, never to the CDN it redirects to.</summary>
    public string? Token { get; init; }

    /// <summary>Largest file a pull or import accepts; the fp32 Qwen2.5-0.5B graph is ~2 GB.</summary>
    public long MaxFileSize { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// Retries after a transient failure (connection lost, stall, timeout, 429, 5xx), counted per request or file
    /// and reset when a failed attempt still downloaded bytes.
    /// </summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>First backoff; each retry doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP + TLS connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>From sending a request to its response headers.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for the next bytes of a body: a stalled transfer is abandoned and resumed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The hub redirects large files to a CDN; more hops than this is a loop.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>Pages of a repository listing followed (the hub pages large trees with a Link header).</summary>
    public int MaxListingPages { get; init; } = 50;

    /// <summary>Largest JSON body (listing page, error) read from the hub.</summary>
    public int MaxJsonBytes { get; init; } = 16 * 1024 * 1024;

    public string UserAgent { get; init; } = "RagPlatform.ModelStore/1.0";

    /// <summary>
    /// Defaults overridden by the Hugging Face client's own variables: HF_ENDPOINT (hub URL) and HF_TOKEN, so
    /// a mirror or token configured for other tools works here too.
    /// </summary>
    public static ModelStoreOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var options = new ModelStoreOptions();
        if (getVariable("HF_ENDPOINT") is { Length: > 0 } endpoint)
        {
            options = options with
            {
                Hub = Uri.TryCreate(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute, out var hub)
                    ? hub
                    : throw new ArgumentException($"HF_ENDPOINT '{endpoint}' is not an absolute URL."),
            };
        }

        return getVariable("HF_TOKEN") is { Length: > 0 } token ? options with { Token = token.Trim() } : options;
    }

    public void Validate()
    {
        if (Hub is not { IsAbsoluteUri: true } hub || (hub.Scheme != Uri.UriSchemeHttp && hub.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("ModelStoreOptions.Hub must be an absolute http(s) URL.", nameof(Hub));
        }

        if (Token is { } token && (token.Length == 0 || token.Any(char.IsControl)))
        {
            throw new ArgumentException("ModelStoreOptions.Token must be non-empty and free of control characters.", nameof(Token));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileSize, 1, nameof(MaxFileSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetries, 100, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryBaseDelay, nameof(RetryMaxDelay));
        foreach (var (timeout, name) in new[] { (ConnectTimeout, nameof(ConnectTimeout)), (ResponseTimeout, nameof(ResponseTimeout)), (ReadTimeout, nameof(ReadTimeout)) })
        {
            if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1))
            {
                throw new ArgumentOutOfRangeException(name, timeout, "Must be positive and at most one hour.");
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxRedirects, nameof(MaxRedirects));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxListingPages, 1, nameof(MaxListingPages));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonBytes, 1024, nameof(MaxJsonBytes));
        ArgumentException.ThrowIfNullOrWhiteSpace(UserAgent, nameof(UserAgent));
    }

    /// <summary>The hub with a trailing slash, so relative API paths append instead of replacing its last segment.</summary>
    internal Uri HubBase => Hub.AbsoluteUri.EndsWith('/') ? Hub : new Uri(Hub.AbsoluteUri + "/");
}

/// <summary>Options of one <see cref="ModelInstaller.ImportAsync"/>.</summary>
public sealed record ImportOptions
{
    /// <summary>
    /// A sha256sum-style list ("&lt;hex&gt;  &lt;path&gt;", paths relative to the list's folder) verifying files the
    /// catalog does not pin; a listed file that does not match fails the import.
    /// </summary>
    public string? Sha256SumsFile { get; init; }

    /// <summary>
    /// Install files that neither the catalog nor <see cref="Sha256SumsFile"/> can verify (the manifest marks them
    /// "unverified"). Off by default: an air-gapped copy is exactly where corruption goes unnoticed.
    /// </summary>
    public bool AllowUnverified { get; init; }
}
