using System.Globalization;
using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval;

/// <summary>Settings of <see cref="QdrantIndex"/>; validated when the index is constructed.</summary>
public sealed record QdrantIndexOptions
{
    /// <summary>Qdrant's gRPC port, used when <see cref="Endpoint"/> names none.</summary>
    public const int DefaultGrpcPort = 6334;

    /// <summary>
    /// Qdrant's gRPC endpoint, e.g. http://qdrant:6334. The scheme is the TLS switch: https:// speaks TLS (trusting the
    /// system's roots, or <see cref="CertificateThumbprint"/>), http:// plain HTTP/2. Without a port, 6334.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Sent as the api-key metadata of every call when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// The SHA-256 thumbprint (hex) of the server's certificate, for a self-signed Qdrant: that certificate alone is
    /// accepted instead of the system's roots. Needs an https:// endpoint.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The deadline of each gRPC call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The k of reciprocal rank fusion (standard form: 1 / (k + rank), rank from 1).</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>How many hits each prefetch contributes to hybrid fusion (at least the search limit).</summary>
    public int HybridCandidates { get; init; } = 100;

    /// <summary>
    /// BM25 parameters of the document-side sparse weights. Qdrant supplies the idf (modifier Idf); the length
    /// normalisation uses <see cref="AssumedAverageDocumentLength"/> because the client cannot know the true average.
    /// </summary>
    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>Analysed terms per chunk assumed on average by the sparse weights' length normalisation.</summary>
    public double AssumedAverageDocumentLength { get; init; } = 100;

    /// <summary>
    /// Points per upsert request. An upsert is refused above it (one request, so one Qdrant operation); a replace
    /// writes its new points in requests of at most this many.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>The endpoint with Qdrant's gRPC port filled in when it named none.</summary>
    public Uri GrpcAddress => Endpoint is { } endpoint
        ? HasExplicitPort(endpoint) ? endpoint : new UriBuilder(endpoint) { Port = DefaultGrpcPort }.Uri
        : throw new InvalidOperationException("QdrantIndexOptions.Endpoint is not set.");

    public bool UsesTls => Endpoint?.Scheme == Uri.UriSchemeHttps;

    public void Validate()
    {
        if (Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps) ||
            endpoint.AbsolutePath != "/")
        {
            throw new ArgumentException(
                $"QdrantIndexOptions.Endpoint must be an absolute http(s) URL with no path, e.g. http://qdrant:{DefaultGrpcPort} (was '{Endpoint}').",
                nameof(Endpoint));
        }

        if (CertificateThumbprint is { } thumbprint)
        {
            if (!UsesTls)
            {
                throw new ArgumentException("QdrantIndexOptions.CertificateThumbprint needs an https:// endpoint.", nameof(CertificateThumbprint));
            }

            if (thumbprint.Length != 64 || !thumbprint.All(char.IsAsciiHexDigit))
            {
                throw new ArgumentException("QdrantIndexOptions.CertificateThumbprint must be a SHA-256 thumbprint: 64 hex digits.",
                    nameof(CertificateThumbprint));
            }
        }

        if (ApiKey is { Length: 0 })
        {
            throw new ArgumentException("QdrantIndexOptions.ApiKey is empty: leave it unset for no key.", nameof(ApiKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CallTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(Bm25);
        Bm25.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(RrfK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(HybridCandidates, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HybridCandidates, IndexValidation.MaxLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        if (!(AssumedAverageDocumentLength >= 1 && double.IsFinite(AssumedAverageDocumentLength)))
        {
            throw new ArgumentOutOfRangeException(nameof(AssumedAverageDocumentLength), AssumedAverageDocumentLength, "Must be at least 1.");
        }
    }

    /// <summary>Where the index talks to, for logs. Written out because a record's own ToString would print the API key.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{GrpcAddress} (gRPC{(UsesTls ? ", TLS" : "")}{(CertificateThumbprint is null ? "" : ", pinned certificate")}{(ApiKey is null ? "" : ", API key")})");

    /// <summary>
    /// Uri reports http://host:80 and http://host alike as the default port; only the text tells whether a port was
    /// written, and a written :443 (a TLS proxy in front of Qdrant) must be kept.
    /// </summary>
    private static bool HasExplicitPort(Uri endpoint)
    {
        var authority = endpoint.OriginalString.AsSpan(endpoint.Scheme.Length + 3);
        var end = authority.IndexOfAny('/', '?', '#');
        authority = end < 0 ? authority : authority[..end];
        var colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']') && colon < authority.Length - 1;
    }
}
