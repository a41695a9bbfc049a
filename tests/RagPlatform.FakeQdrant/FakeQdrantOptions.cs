namespace RagPlatform.FakeQdrant;

/// <summary>Section "FakeQdrant" (environment: FakeQdrant__Url, FakeQdrant__ApiKey).</summary>
internal sealed class FakeQdrantOptions
{
    public const string SectionName = "FakeQdrant";

    /// <summary>Where to listen; port 0 picks a free one, printed as "Now listening on: ...".</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>When set, every call must carry it as api-key metadata (or "authorization: Bearer"), as Qdrant asks.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Qdrant's own default request limit (service.max_request_size_mb: 32).</summary>
    public int MaxRequestBytes { get; set; } = 32 * 1024 * 1024;

    public string? Validate() =>
        !Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || !System.Net.IPAddress.TryParse(url.Host, out var ip) ||
        !System.Net.IPAddress.IsLoopback(ip)
            ? $"{SectionName}:Url must be an http:// URL on a loopback address (was '{Url}'): the fake is for tests on this machine."
            : MaxRequestBytes < 1024 ? $"{SectionName}:MaxRequestBytes must be at least 1024 (was {MaxRequestBytes})." : null;
}
