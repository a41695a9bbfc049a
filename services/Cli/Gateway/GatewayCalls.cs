using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Client;

namespace RagPlatform.Cli.Gateway;

/// <summary>
/// The gateway as rag calls it: <see cref="RagPlatformClient"/> with a time bound on each call, and every failure
/// turned into a <see cref="CliException"/> whose exit code says what kind it is: unreachable (3), key refused (4),
/// anything else refused or failed (1, with the gateway's problem detail and request id). Rate limiting (429) is
/// waited out, honouring Retry-After, a bounded number of times.
/// </summary>
internal sealed class GatewayCalls : IDisposable
{
    private const int RateLimitRetries = 20;
    private readonly HttpClient _http;
    private readonly GatewayTarget _target;
    private readonly TimeSpan _timeout;

    /// <param name="timeout">The bound on each call (a whole answer, for ask).</param>
    public GatewayCalls(GatewayTarget target, TimeSpan timeout, HttpMessageHandler handler)
    {
        _target = target;
        _timeout = timeout;
        // Bounds are per call (a stream may rightly run longer than a status poll), so the HttpClient itself has none.
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = target.Url, Timeout = Timeout.InfiniteTimeSpan };
        Client = new RagPlatformClient(_http, new RagPlatformClientOptions { ApiKey = target.ApiKey, RateLimitRetries = RateLimitRetries });
    }

    public RagPlatformClient Client { get; }

    public Task<ModelsResource> GetModelsAsync(CancellationToken cancellationToken) =>
        CallAsync("Asking which models are loaded", (client, token) => client.GetModelsAsync(token), cancellationToken);

    /// <returns>The collection, or null when it does not exist.</returns>
    public Task<CollectionResource?> FindCollectionAsync(string name, CancellationToken cancellationToken) =>
        CallAsync<CollectionResource?>($"Looking up collection '{name}'", async (client, token) =>
        {
            try
            {
                return await client.GetCollectionAsync(name, token);
            }
            catch (RagPlatformException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    /// <summary>Creates the collection; one that already exists is fine.</summary>
    public Task CreateCollectionAsync(string name, CancellationToken cancellationToken) =>
        CallAsync($"Creating collection '{name}'", async (client, token) =>
        {
            try
            {
                return await client.CreateCollectionAsync(name, token);
            }
            catch (RagPlatformException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                return null;
            }
        }, cancellationToken);

    public Task<DocumentResource> UploadAsync(string collection, string fileName, string documentId, byte[] content, CancellationToken cancellationToken) =>
        CallAsync($"Uploading '{fileName}'", (client, token) => client.UploadDocumentAsync(collection, new UploadFile(fileName, content), documentId, token), cancellationToken);

    /// <summary>Every document of the collection with its ingestion state, all pages.</summary>
    public Task<IReadOnlyList<DocumentResource>> ListDocumentsAsync(string collection, CancellationToken cancellationToken) =>
        CallAsync($"Listing the documents of '{collection}'", (client, token) => client.ListAllDocumentsAsync(collection, token), cancellationToken);

    public Task<AnswerResource> AskAsync(AskRequest request, CancellationToken cancellationToken) =>
        CallAsync("Asking", (client, token) => client.AskAsync(request, token), cancellationToken);

    /// <summary>The answer's events as they arrive; a failure after the first is reported as the answer failing part-way.</summary>
    public async IAsyncEnumerable<IAnswerEvent> AskStreamAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        await using var events = Client.AskStreamAsync(request, deadline.Token).GetAsyncEnumerator(deadline.Token);
        var started = false;
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RagPlatformException ex) when (started)
            {
                throw CliException.Failed($"The answer failed part-way: {ex.Message}", RequestIdHint(ex.RequestId));
            }
            catch (Exception ex) when (Translate(ex, "Asking", cancellationToken) is { } failure)
            {
                throw failure;
            }

            started = true;
            yield return events.Current;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> CallAsync<T>(string what, Func<RagPlatformClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            return await call(Client, deadline.Token);
        }
        catch (Exception ex) when (Translate(ex, what, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    private CliException? Translate(Exception exception, string what, CancellationToken cancellationToken) => exception switch
    {
        // The caller's own cancellation (Ctrl+C) is not a failure: let it through.
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => CliException.Failed($"The gateway at {_target.Url} did not answer within {_timeout.TotalSeconds:0.#} s."),
        RagPlatformException { StatusCode: HttpStatusCode.Unauthorized } refused => new CliException(ExitCodes.Unauthorized,
            $"{what}: the gateway refused the API key ({refused.Message}).",
            _target.ApiKey is null
                ? $"No API key was given: pass --api-key, set {CliEnvironment.ApiKeyVariable}, or start the platform with `rag up` (it saves its admin key)."
                : $"The key came from {_target.ApiKeySource}; pass the right one with --api-key or {CliEnvironment.ApiKeyVariable}."),
        RagPlatformException { StatusCode: HttpStatusCode.Forbidden } forbidden => new CliException(ExitCodes.Unauthorized, $"{what}: {forbidden.Message}",
            "Use a key that may use this collection (an admin key may use all)."),
        RagPlatformException failed => CliException.Failed($"{what} failed: {failed.Message} (HTTP {(int)failed.StatusCode}).", RequestIdHint(failed.RequestId)),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } ex =>
            CliException.Unavailable($"Cannot reach the gateway at {_target.Url}: {ex.Message}",
                $"Start the platform with `rag up`, or point rag at a running gateway with --gateway or {CliEnvironment.GatewayVariable}."),
        HttpRequestException ex => CliException.Failed($"The connection to the gateway at {_target.Url} failed: {ex.Message}"),
        IOException ex => CliException.Failed($"The connection to the gateway at {_target.Url} broke: {ex.Message}"),
        JsonException ex => CliException.Failed($"{what}: the gateway's answer is not the JSON rag expects ({ex.Message}).", $"Is {_target.Url} a RagPlatform gateway?"),
        _ => null,
    };

    private static string? RequestIdHint(string? requestId) => requestId is { } id ? $"The gateway's request id is {id}." : null;
}
