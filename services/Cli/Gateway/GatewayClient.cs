using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Gateway;

/// <summary>
/// The gateway's HTTP API as the CLI uses it. Every failure leaves as a <see cref="CliException"/> whose exit code
/// says what kind it is: unreachable (3), key refused (4), anything else refused or failed (1, with the gateway's
/// problem detail). Rate limiting (429) is waited out, honouring Retry-After, a bounded number of times.
/// </summary>
internal sealed class GatewayClient : IDisposable
{
    private const int MaxRateLimitRetries = 20;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly HttpClient _http;
    private readonly GatewayTarget _target;
    private readonly TimeSpan _requestTimeout;

    public GatewayClient(GatewayTarget target, TimeSpan requestTimeout, HttpMessageHandler handler)
    {
        _target = target;
        _requestTimeout = requestTimeout;
        // Timeouts are per call (a stream may rightly run longer than a status poll), so the client itself has none.
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = target.Url, Timeout = Timeout.InfiniteTimeSpan };
        if (target.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public Uri Url => _target.Url;

    public Task<ModelsResource> GetModelsAsync(CancellationToken cancellationToken) =>
        GetJsonAsync<ModelsResource>("v1/models", "Asking which models are loaded", cancellationToken);

    /// <returns>The collection, or null when it does not exist.</returns>
    public async Task<CollectionResource?> FindCollectionAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v1/collections/{Uri.EscapeDataString(name)}"), _requestTimeout, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync<CollectionResource>(response, $"Looking up collection '{name}'", cancellationToken);
    }

    /// <summary>Creates the collection; one that already exists is fine.</summary>
    public async Task CreateCollectionAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/collections") { Content = JsonContent.Create(new { name }, options: Json) },
            _requestTimeout, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureSuccessAsync(response, $"Creating collection '{name}'", cancellationToken);
        }
    }

    public async Task<DocumentResource> UploadAsync(string collection, string fileName, string documentId, byte[] content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(documentId), "documentId" },
                { new ByteArrayContent(content), "file", fileName },
            };
            return new HttpRequestMessage(HttpMethod.Post, $"v1/collections/{Uri.EscapeDataString(collection)}/documents") { Content = form };
        }, _requestTimeout, cancellationToken);
        var result = await ReadAsync<UploadResult>(response, $"Uploading '{fileName}'", cancellationToken);
        return result.Documents.Single();
    }

    /// <summary>Every document of the collection with its ingestion state, all pages.</summary>
    public async Task<IReadOnlyList<DocumentResource>> ListDocumentsAsync(string collection, CancellationToken cancellationToken)
    {
        var documents = new List<DocumentResource>();
        string? page = null;
        do
        {
            var path = $"v1/collections/{Uri.EscapeDataString(collection)}/documents?pageSize=1000"
                + (page is null ? "" : "&pageToken=" + Uri.EscapeDataString(page));
            var list = await GetJsonAsync<DocumentList>(path, $"Listing the documents of '{collection}'", cancellationToken);
            documents.AddRange(list.Documents);
            page = list.NextPageToken;
        }
        while (page is not null);
        return documents;
    }

    /// <summary>The whole answer as one JSON document.</summary>
    public async Task<AnswerResource> AskAsync(AskRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        Deserialize<AnswerResource>(await AskJsonAsync(request, timeout, cancellationToken), "Asking");

    /// <summary>The whole answer as the gateway's JSON text, every field kept (for --json).</summary>
    public async Task<string> AskJsonAsync(AskRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/ask") { Content = JsonContent.Create(request, options: Json) },
            timeout, cancellationToken);
        await EnsureSuccessAsync(response, "Asking", cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>The answer as server-sent events, each as it arrives (token, citations, done; or error).</summary>
    public async IAsyncEnumerable<ServerSentEvent> AskStreamAsync(AskRequest request, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var response = await SendAsync(() =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "v1/ask") { Content = JsonContent.Create(request, options: Json) };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return message;
        }, timeout, deadline.Token, HttpCompletionOption.ResponseHeadersRead);
        await EnsureSuccessAsync(response, "Asking", deadline.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        var events = ServerSentEvents.ReadAsync(stream, deadline.Token).GetAsyncEnumerator(deadline.Token);
        try
        {
            while (true)
            {
                try
                {
                    if (!await events.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (Translate(ex, timeout, cancellationToken) is { } failure)
                {
                    throw failure;
                }

                yield return events.Current;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    public static T Deserialize<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw CliException.Failed($"{what}: the gateway sent JSON null.");
        }
        catch (JsonException ex)
        {
            throw CliException.Failed($"{what}: the gateway's answer is not the JSON rag expects ({ex.Message}).");
        }
    }

    /// <summary>The gateway's problem detail as one readable line.</summary>
    public static string Describe(ProblemResource? problem, int status) => problem switch
    {
        { Detail: { Length: > 0 } detail } => detail,
        { Title: { Length: > 0 } title } => title,
        _ => $"HTTP {status}",
    };

    public void Dispose() => _http.Dispose();

    private async Task<T> GetJsonAsync<T>(string path, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), _requestTimeout, cancellationToken);
        return await ReadAsync<T>(response, what, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, TimeSpan timeout, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            using var request = build();
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(timeout);
                response = await _http.SendAsync(request, completion, deadline.Token);
            }
            catch (Exception ex) when (Translate(ex, timeout, cancellationToken) is { } failure)
            {
                throw failure;
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= MaxRateLimitRetries)
            {
                return response;
            }

            // Over the key's request rate: the gateway says when to come back.
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait < MaxRetryAfter ? wait : MaxRetryAfter, cancellationToken);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, what, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw CliException.Failed($"{what}: the gateway sent JSON null.");
        }
        catch (JsonException ex)
        {
            throw CliException.Failed($"{what}: the gateway's answer is not the JSON rag expects ({ex.Message}).", $"Is {_target.Url} a RagPlatform gateway?");
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        ProblemResource? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemResource>(Json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not problem+json (a proxy's error page): the status alone has to do.
        }

        var detail = Describe(problem, status);
        throw status switch
        {
            401 => new CliException(ExitCodes.Unauthorized, $"{what}: the gateway refused the API key ({detail}).",
                _target.ApiKey is null
                    ? $"No API key was given: pass --api-key, set {CliEnvironment.ApiKeyVariable}, or start the platform with `rag up` (it saves its admin key)."
                    : $"The key came from {_target.ApiKeySource}; pass the right one with --api-key or {CliEnvironment.ApiKeyVariable}."),
            403 => new CliException(ExitCodes.Unauthorized, $"{what}: {detail}", "Use a key that may use this collection (an admin key may use all)."),
            _ => CliException.Failed($"{what} failed: {detail} (HTTP {status}).", problem?.RequestId is { } id ? $"The gateway's request id is {id}." : null),
        };
    }

    private CliException? Translate(Exception exception, TimeSpan timeout, CancellationToken cancellationToken) => exception switch
    {
        // The caller's own cancellation (Ctrl+C) is not a failure: let it through.
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => CliException.Failed($"The gateway at {_target.Url} did not answer within {timeout.TotalSeconds:0.#} s."),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } ex =>
            CliException.Unavailable($"Cannot reach the gateway at {_target.Url}: {ex.Message}",
                $"Start the platform with `rag up`, or point rag at a running gateway with --gateway or {CliEnvironment.GatewayVariable}."),
        HttpRequestException ex => CliException.Failed($"The connection to the gateway at {_target.Url} failed: {ex.Message}"),
        IOException ex => CliException.Failed($"The connection to the gateway at {_target.Url} broke: {ex.Message}"),
        _ => null,
    };
}
