using System.Net;
using System.Net.Http.Headers;

namespace RagPlatform.ModelStore.Hub;

/// <summary>
/// The two hub calls a pull needs: the repository listing at a revision (sizes and checksums) and the resolve URL of
/// a file, whose redirects it follows itself so the token goes to the hub only and never to the CDN holding the bytes.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ModelStoreOptions _options;
    private readonly RetryPolicy _retry;

    public HubClient(ModelStoreOptions options, RetryPolicy retry)
    {
        _options = options;
        _retry = retry;
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by hand: automatic following would carry the Range header but lose the hub's
            // X-Linked-Etag, and the decision of where the token may go belongs here.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri FileUri(string repository, string revision, string path) =>
        new(_options.HubBase, $"{repository}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>Every file of <paramref name="repository"/> at <paramref name="revision"/>, by path; each page is retried on its own.</summary>
    public async Task<IReadOnlyDictionary<string, HubEntry>> ListAsync(string repository, string revision, CancellationToken cancellationToken)
    {
        var what = $"Listing {repository}@{revision}";
        var entries = new Dictionary<string, HubEntry>(StringComparer.Ordinal);
        Uri? page = new(_options.HubBase, $"api/models/{repository}/tree/{Uri.EscapeDataString(revision)}?recursive=true&expand=false");
        for (var pages = 0; page is not null; pages++)
        {
            if (pages == _options.MaxListingPages)
            {
                throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: more than {_options.MaxListingPages} pages; refusing to follow further.");
            }

            var current = page;
            (var items, page) = await _retry.RunAsync(what, token => ListPageAsync(current, what, token), cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                entries[item.Path] = item;
            }
        }

        return entries;
    }

    /// <summary>
    /// GET of a file from <paramref name="offset"/> (a Range request when positive), following redirects. Not retried
    /// here: the caller retries whole attempts so it can resume from what reached the disk.
    /// </summary>
    public async Task<HubFileResponse> GetFileAsync(Uri uri, long offset, CancellationToken cancellationToken)
    {
        var current = uri;
        var headers = HubFileHeaders.Empty;
        for (var hop = 0; ; hop++)
        {
            using var request = NewRequest(current);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (IsHub(current))
            {
                headers = headers.Merge(HubFileHeaders.From(response));
            }

            if (!IsRedirect(response.StatusCode))
            {
                return new HubFileResponse(response, headers);
            }

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || hop >= _options.MaxRedirects)
            {
                throw new ModelStoreException(ModelStoreError.ProtocolError,
                    location is null ? $"{Describe(current)} redirected without a Location." : $"{Describe(uri)}: more than {_options.MaxRedirects} redirects.");
            }

            current = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (current.Scheme != Uri.UriSchemeHttps && current.Scheme != Uri.UriSchemeHttp)
            {
                throw new ModelStoreException(ModelStoreError.ProtocolError, $"{Describe(uri)} redirected to a non-HTTP location.");
            }
        }
    }

    /// <summary>Reads a body with the idle timeout applied to every read; a stall or a broken connection is transient.</summary>
    public async Task<int> ReadAsync(Stream body, Memory<byte> buffer, CancellationTokenSource idle, string what, CancellationToken cancellationToken)
    {
        idle.CancelAfter(_options.ReadTimeout);
        try
        {
            return await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientHubException($"{what}: no data for {_options.ReadTimeout.TotalSeconds:0.#} s.", innerException: error);
        }
        catch (Exception error) when (error is IOException or HttpRequestException)
        {
            throw new TransientHubException($"{what}: the connection broke ({error.Message}).", innerException: error);
        }
    }

    /// <summary>A URL for messages: no query string, since CDN URLs carry signatures.</summary>
    public static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    public void Dispose() => _http.Dispose();

    private async Task<(IReadOnlyList<HubEntry> Items, Uri? Next)> ListPageAsync(Uri page, string what, CancellationToken cancellationToken)
    {
        using var request = NewRequest(page);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw HubStatus.Failure(response, what);
        }

        var json = await ReadBoundedAsync(response, what, cancellationToken).ConfigureAwait(false);
        var next = HubListing.NextPage(response, page);
        if (next is not null && !IsHub(next))
        {
            throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: the next page points away from the hub ({Describe(next)}).");
        }

        return (HubListing.Parse(json, what).ToList(), next);
    }

    private async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _options.MaxJsonBytes)
        {
            throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: the hub's answer exceeds {_options.MaxJsonBytes} bytes.");
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await ReadAsync(body, chunk, idle, what, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxJsonBytes)
            {
                throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: the hub's answer exceeds {_options.MaxJsonBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private HttpRequestMessage NewRequest(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.UserAgent.ParseAdd(_options.UserAgent);
        if (_options.Token is { } token && IsHub(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    /// <summary>Only the response headers are awaited under <see cref="ModelStoreOptions.ResponseTimeout"/>; bodies are read under the idle timeout.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ResponseTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientHubException(
                $"{Describe(request.RequestUri!)}: no response within {_options.ResponseTimeout.TotalSeconds:0.#} s.", innerException: error);
        }
        catch (HttpRequestException error)
        {
            throw new TransientHubException($"{Describe(request.RequestUri!)}: {error.Message}", innerException: error);
        }
    }

    /// <summary>The hub's origin (scheme, host, port): the only place the token is sent.</summary>
    private bool IsHub(Uri uri) => Uri.Compare(uri, _options.HubBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
