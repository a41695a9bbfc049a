using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RagPlatform.Client;

/// <summary>
/// The gateway's HTTP API, typed: collections, documents (upload, status, delete), search, answers (one JSON document or
/// streamed events), the loaded models and API keys. A refusal or failure throws <see cref="RagPlatformException"/>
/// with the gateway's problem details; 429 is retried after Retry-After (<see cref="RagPlatformClientOptions"/>).
/// Give it an HttpClient whose BaseAddress is the gateway (from IHttpClientFactory or your own); it does not own it.
/// </summary>
public sealed class RagPlatformClient
{
    private readonly HttpClient _http;
    private readonly Uri _gateway;
    private readonly RagPlatformClientOptions _options;

    public RagPlatformClient(HttpClient http, RagPlatformClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = http.BaseAddress ?? throw new ArgumentException("Set the HttpClient's BaseAddress to the gateway's URL.", nameof(http));
        _http = http;
        // Relative paths resolve under the gateway's path only when it ends with '/'.
        _gateway = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        _options = options ?? new RagPlatformClientOptions();
    }

    private static RagPlatformJsonContext Json => RagPlatformJsonContext.Default;

    public Task<ModelsResource> GetModelsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/models", null, Json.ModelsResource, cancellationToken);

    public Task<CollectionResource> CreateCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/collections", () => Body(new CreateCollectionRequest(name), RagPlatformJsonContext.Requests.CreateCollectionRequest),
            Json.CollectionResource, cancellationToken);

    /// <summary>The collections the key may use.</summary>
    public async Task<IReadOnlyList<CollectionResource>> ListCollectionsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "v1/collections", null, Json.CollectionList, cancellationToken)).Collections;

    public Task<CollectionResource> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/collections/{Segment(name)}", null, Json.CollectionResource, cancellationToken);

    /// <summary>Deletes the collection with all its documents and chunks.</summary>
    public Task DeleteCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/collections/{Segment(name)}", cancellationToken);

    /// <summary>Uploads one file, stored durably and queued for indexing.</summary>
    /// <param name="documentId">The document's id; by default the gateway derives one from the file name.</param>
    public async Task<DocumentResource> UploadDocumentAsync(string collection, UploadFile file, string? documentId = null, CancellationToken cancellationToken = default) =>
        (await UploadAsync(collection, [file], documentId, cancellationToken)).Single();

    /// <summary>Uploads several files in one request (at most the gateway's Gateway:MaxFilesPerUpload).</summary>
    public Task<IReadOnlyList<DocumentResource>> UploadDocumentsAsync(string collection, IReadOnlyList<UploadFile> files, CancellationToken cancellationToken = default) =>
        UploadAsync(collection, files, null, cancellationToken);

    public Task<DocumentResource> GetDocumentAsync(string collection, string documentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/collections/{Segment(collection)}/documents/{Segment(documentId)}", null, Json.DocumentResource, cancellationToken);

    /// <summary>One page of the collection's documents; pass the page's NextPageToken for the next.</summary>
    public Task<DocumentList> ListDocumentsAsync(string collection, int? pageSize = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var query = string.Join('&', new[] { pageSize is { } size ? $"pageSize={size}" : null, pageToken is { } token ? $"pageToken={Uri.EscapeDataString(token)}" : null }.OfType<string>());
        return SendAsync(HttpMethod.Get, $"v1/collections/{Segment(collection)}/documents" + (query.Length > 0 ? "?" + query : ""), null, Json.DocumentList, cancellationToken);
    }

    /// <summary>Every document of the collection, following the pages.</summary>
    public async Task<IReadOnlyList<DocumentResource>> ListAllDocumentsAsync(string collection, CancellationToken cancellationToken = default)
    {
        var documents = new List<DocumentResource>();
        string? token = null;
        do
        {
            var page = await ListDocumentsAsync(collection, 1000, token, cancellationToken);
            documents.AddRange(page.Documents);
            token = page.NextPageToken;
        }
        while (token is not null);
        return documents;
    }

    /// <summary>Polls until every document of the collection is indexed or failed; returns them as they ended.</summary>
    /// <exception cref="TimeoutException">Some are still queued or indexing after <paramref name="timeout"/> (the message names them).</exception>
    public async Task<IReadOnlyList<DocumentResource>> WaitUntilSettledAsync(string collection, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var documents = await ListAllDocumentsAsync(collection, cancellationToken);
            if (documents.All(d => d.IsSettled))
            {
                return documents;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                var pending = documents.Where(d => !d.IsSettled).Select(d => $"{d.DocumentId} ({d.State})");
                throw new TimeoutException($"Documents of '{collection}' still pending after {timeout}: {string.Join(", ", pending.Take(20))}");
            }

            await Task.Delay(_options.PollInterval, cancellationToken);
        }
    }

    /// <summary>Deletes the document and all its chunks.</summary>
    public Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/collections/{Segment(collection)}/documents/{Segment(documentId)}", cancellationToken);

    /// <summary>The whole answer with its citations, once it is complete.</summary>
    public Task<AnswerResource> AskAsync(AskRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/ask", () => Body(request, RagPlatformJsonContext.Requests.AskRequest), Json.AnswerResource, cancellationToken);

    /// <summary>
    /// The answer as it is generated: <see cref="AnswerToken"/>s, then <see cref="AnswerCitations"/>, then
    /// <see cref="AnswerDone"/>. A failure before the first event or part-way throws <see cref="RagPlatformException"/>;
    /// a stream that ends without <see cref="AnswerDone"/> was cut.
    /// </summary>
    public async IAsyncEnumerable<IAnswerEvent> AskStreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() =>
        {
            var message = Request(HttpMethod.Post, "v1/ask", Body(request, RagPlatformJsonContext.Requests.AskRequest));
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(AnswerStream.MediaType));
            return message;
        }, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var answerEvent in AnswerStream.ReadAsync(body, cancellationToken))
        {
            yield return answerEvent is AnswerError error ? throw RagPlatformException.FromStream(error.Problem) : answerEvent;
        }
    }

    /// <summary>The passages of the collection that best match the query, best first, without an answer.</summary>
    public Task<SearchResult> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/collections/{Segment(collection)}/search", () => Body(request, RagPlatformJsonContext.Requests.SearchRequest),
            Json.SearchResult, cancellationToken);

    /// <summary>Creates an API key (needs an admin key); its secret is in the result, this once.</summary>
    public Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/keys", () => Body(request, RagPlatformJsonContext.Requests.CreateKeyRequest), Json.CreatedKey, cancellationToken);

    public async Task<IReadOnlyList<KeyResource>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "v1/keys", null, Json.KeyList, cancellationToken)).Keys;

    /// <summary>Revokes the key: every gateway refuses it from then on.</summary>
    public Task DeleteKeyAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/keys/{Segment(id)}", cancellationToken);

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static JsonContent Body<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    private async Task<IReadOnlyList<DocumentResource>> UploadAsync(string collection, IReadOnlyList<UploadFile> files, string? documentId, CancellationToken cancellationToken)
    {
        return (await SendAsync(HttpMethod.Post, $"v1/collections/{Segment(collection)}/documents", () =>
        {
            var form = new MultipartFormDataContent();
            foreach (var file in files)
            {
                var part = new ReadOnlyMemoryContent(file.Content);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "file", file.FileName);
            }

            if (documentId is not null)
            {
                form.Add(new StringContent(documentId), "documentId");
            }

            return form;
        }, Json.UploadResult, cancellationToken)).Documents;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content) =>
        new(method, new Uri(_gateway, path)) { Content = content };

    private async Task<T> SendAsync<T>(HttpMethod method, string path, Func<HttpContent>? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Request(method, path, content?.Invoke()), HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw new JsonException($"{method} {path}: the gateway answered JSON null.");
    }

    private async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Request(method, path, null), HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Sends a request built afresh for each attempt (a body cannot be sent twice), waiting out 429s.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            if (_options.ApiKey is { } key)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            var response = await _http.SendAsync(request, completion, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= _options.RateLimitRetries)
            {
                return response;
            }

            var wait = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < _options.MaxRetryAfter ? wait : _options.MaxRetryAfter, cancellationToken);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ApiProblem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(Json.ApiProblem, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not problem+json (a proxy's error page): the status alone has to do.
        }

        throw new RagPlatformException(response.StatusCode, problem, RetryAfter(response));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}
