using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RagPlatform.Bench.Platform;

/// <summary>The orchestrator's own account of an answer (the `timings` object), in milliseconds.</summary>
internal sealed record ServerTimings(double RetrieveMs, double RerankMs, double GenerateMs, double FirstTokenMs, double TotalMs)
{
    /// <summary>What is neither retrieval, reranking nor generation: mostly building the prompt (counted with the local tokenizer).</summary>
    public double OtherMs => TotalMs - RetrieveMs - RerankMs - GenerateMs;
}

/// <summary>A passage the answer's prompt held, as its citation reports it.</summary>
internal sealed record PromptPassage(int N, string DocumentId, string Section, string? Title, string Text);

/// <summary>
/// One /v1/ask as the client saw it. <see cref="Error"/> is null for a complete answer, else the HTTP status
/// ("429", "503"), "sse-error" or the exception's type. <see cref="FirstTokenMs"/> is the first `token` event (SSE only).
/// </summary>
internal sealed record AskSample(
    bool Stream,
    string? Error,
    double LatencyMs,
    double? FirstTokenMs,
    ServerTimings? Server,
    int PromptTokens,
    int CompletionTokens,
    bool NoAnswer,
    IReadOnlyList<string> Degraded,
    string Question,
    IReadOnlyList<PromptPassage> Passages);

/// <summary>Asks over the gateway's HTTP API exactly as a client does: a JSON answer, or server-sent events read as they arrive.</summary>
internal sealed class AskCall(HttpClient http, BenchSettings settings)
{
    public async Task<AskSample> AskAsync(string question, bool stream, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ask")
            {
                Content = JsonContent.Create(new
                {
                    collection = BenchPlatform.Collection, question, mode = settings.Mode, maxTokens = settings.MaxTokens, timeoutSeconds = settings.TimeoutSeconds,
                }),
            };
            if (stream)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // Drain the problem body so the connection is reused.
                _ = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                return Failed(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return stream
                ? await ReadEventsAsync(body, question, started, cancellationToken)
                : FromJson(JsonDocument.Parse(await ReadAllAsync(body, cancellationToken)).RootElement, question, started);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Failed(ex.GetType().Name);
        }

        AskSample Failed(string error) =>
            new(stream, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, null, 0, 0, false, [], question, []);
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static AskSample FromJson(JsonElement answer, string question, long started)
    {
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return Complete(false, latency, null, answer, answer.GetProperty("citations"), question);
    }

    /// <summary>Reads `token`, `citations`, `done` (or `error`) events, timing the first token when it arrives.</summary>
    private static async Task<AskSample> ReadEventsAsync(Stream body, string question, long started, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        double? firstToken = null;
        JsonElement? citations = null;
        JsonElement? done = null;
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
                if (name == "token")
                {
                    firstToken ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart());
            }
            else if (line.Length == 0 && name is not null)
            {
                switch (name)
                {
                    case "citations":
                        citations = JsonDocument.Parse(data.ToString()).RootElement.Clone();
                        break;
                    case "done":
                        done = JsonDocument.Parse(data.ToString()).RootElement.Clone();
                        break;
                    case "error":
                        return new AskSample(true, "sse-error", Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, null, 0, 0, false, [], question, []);
                }

                (name, data) = (null, data.Clear());
            }
        }

        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return done is { } end && citations is { } cited
            ? Complete(true, latency, firstToken, end, cited, question)
            : new AskSample(true, "sse-incomplete", latency, firstToken, null, 0, 0, false, [], question, []);
    }

    /// <summary>A finished answer: the JSON answer and the SSE `done` event carry the same usage, timings and flags.</summary>
    private static AskSample Complete(bool stream, double latency, double? firstToken, JsonElement end, JsonElement citations, string question)
    {
        var timings = end.GetProperty("timings");
        var usage = end.GetProperty("usage");
        var server = new ServerTimings(timings.GetProperty("retrieveMs").GetDouble(), timings.GetProperty("rerankMs").GetDouble(),
            timings.GetProperty("generateMs").GetDouble(), timings.GetProperty("firstTokenMs").GetDouble(), timings.GetProperty("totalMs").GetDouble());
        var passages = citations.EnumerateArray()
            .Select(c => new PromptPassage(c.GetProperty("n").GetInt32(), c.GetProperty("documentId").GetString()!, c.GetProperty("section").GetString()!,
                c.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString() : null, c.GetProperty("text").GetString()!))
            .OrderBy(p => p.N)
            .ToList();
        return new AskSample(stream, null, latency, firstToken, server, usage.GetProperty("promptTokens").GetInt32(), usage.GetProperty("completionTokens").GetInt32(),
            end.GetProperty("noAnswer").GetBoolean(), [.. end.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()!)], question, passages);
    }
}
