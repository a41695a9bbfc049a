using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RagPlatform.Testing;

/// <summary>One server-sent event of /v1/ask.</summary>
public sealed record ServerSentEvent(string Name, JsonElement Data);

/// <summary>
/// The gateway's HTTP API as the tests use it: plain HttpClient calls and JSON documents, so the tests see exactly
/// what a user's client sees (status codes, problem+json, SSE framing), not the gateway's own types.
/// </summary>
public sealed class GatewayClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<HttpResponseMessage> CreateCollectionAsync(string name) =>
        await http.PostAsJsonAsync("/v1/collections", new { name });

    public Task<HttpResponseMessage> UploadAsync(string collection, string fileName, byte[] content, string? documentId = null) =>
        UploadManyAsync(collection, [(fileName, content)], documentId);

    /// <summary>Several files in one multipart request. A 429 is retried after its Retry-After, as a well-behaved client does.</summary>
    public async Task<HttpResponseMessage> UploadManyAsync(string collection, IReadOnlyList<(string FileName, byte[] Content)> files, string? documentId = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var form = new MultipartFormDataContent();
            foreach (var (fileName, content) in files)
            {
                var file = new ByteArrayContent(content);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "file", fileName);
            }

            if (documentId is not null)
            {
                form.Add(new StringContent(documentId), "documentId");
            }

            var response = await http.PostAsync($"/v1/collections/{collection}/documents", form);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 10)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public Task<HttpResponseMessage> UploadTextAsync(string collection, string fileName, string text, string? documentId = null) =>
        UploadAsync(collection, fileName, Encoding.UTF8.GetBytes(text), documentId);

    public async Task<JsonElement> GetDocumentAsync(string collection, string documentId)
    {
        using var response = await http.GetAsync($"/v1/collections/{collection}/documents/{documentId}");
        return await JsonOf(response, HttpStatusCode.OK);
    }

    /// <summary>Every document of the collection, following pages.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListDocumentsAsync(string collection)
    {
        var documents = new List<JsonElement>();
        string? token = null;
        do
        {
            using var response = await http.GetAsync($"/v1/collections/{collection}/documents?pageSize=1000" + (token is null ? "" : $"&pageToken={token}"));
            var page = await JsonOf(response, HttpStatusCode.OK);
            documents.AddRange(page.GetProperty("documents").EnumerateArray().Select(d => d.Clone()));
            token = page.GetProperty("nextPageToken").ValueKind == JsonValueKind.String ? page.GetProperty("nextPageToken").GetString() : null;
        }
        while (token is not null);
        return documents;
    }

    /// <summary>Polls until no document of the collection is queued or indexing; returns their final states.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitUntilSettledAsync(string collection, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var documents = await ListDocumentsAsync(collection);
            if (documents.All(d => d.GetProperty("state").GetString() is "indexed" or "failed"))
            {
                return documents;
            }

            if (clock.Elapsed > timeout)
            {
                var pending = documents.Where(d => d.GetProperty("state").GetString() is "queued" or "indexing").Select(d => d.GetProperty("documentId").GetString());
                throw new TimeoutException($"Documents still pending after {timeout}: {string.Join(", ", pending.Take(20))}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<HttpResponseMessage> PostAskAsync(object body, bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ask") { Content = JsonContent.Create(body) };
        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Asks for a JSON answer; fails with the body when the status is not 200.</summary>
    public async Task<JsonElement> AskAsync(object body)
    {
        using var response = await PostAskAsync(body);
        return await JsonOf(response, HttpStatusCode.OK);
    }

    /// <summary>Asks with Accept: text/event-stream and reads every event to the end of the stream.</summary>
    public async Task<IReadOnlyList<ServerSentEvent>> AskStreamAsync(object body)
    {
        using var response = await PostAskAsync(body, stream: true);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"POST /v1/ask answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            throw new HttpRequestException($"POST /v1/ask answered {response.Content.Headers.ContentType} instead of text/event-stream.");
        }

        return await ReadEventsAsync(await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Parses an SSE body: blocks separated by a blank line, "event:" and "data:" fields.</summary>
    public static async Task<IReadOnlyList<ServerSentEvent>> ReadEventsAsync(Stream body)
    {
        var events = new List<ServerSentEvent>();
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    events.Add(new ServerSentEvent(name, JsonDocument.Parse(data.ToString()).RootElement.Clone()));
                }

                (name, data) = (null, new StringBuilder());
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }

        return events;
    }

    /// <summary>The response's JSON body, after checking its status (the body is in the failure message).</summary>
    public static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
