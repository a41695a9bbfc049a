using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using RagPlatform.Contracts.V1;
using RagPlatform.Launcher;

namespace RagPlatform.Bench.Platform;

/// <summary>One call as its client saw it: null error when complete; time to the first answer text for streamed chats.</summary>
internal sealed record CallSample(string? Error, double LatencyMs, double? FirstTokenMs);

/// <summary>One embeddings measurement: both paths at one batch size and concurrency, rounds interleaved.</summary>
internal sealed record EmbedLevel(int Batch, int Users, LoopResult<CallSample> OpenAi, LoopResult<CallSample> Grpc);

/// <summary>One chat measurement: streamed rag: chat completions and /v1/ask SSE at one concurrency, rounds interleaved.</summary>
internal sealed record ChatLevel(int Users, LoopResult<CallSample> OpenAi, LoopResult<CallSample> Ask);

/// <summary>
/// `openai`: in one run, /openai/v1/embeddings (through gateway and orchestrator, base64 as the OpenAI SDK asks) against
/// the Embedder's own gRPC Embed call with the same texts, batch sizes and concurrency; then time to first token of a
/// streamed rag:squad chat completion against a streamed /v1/ask with the same questions.
/// </summary>
internal static class OpenAiBenchmark
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var corpus = SquadSet.Load(settings.Paragraphs);
        Log($"models {settings.Models}, batches {string.Join(",", settings.Batches)}, users {string.Join(",", settings.Users)}, load {Stats.LoadAverage()}");
        // The one change from the shipped configuration: the per-key request rate, which small batches would hit first.
        await using var bench = await BenchPlatform.StartAsync(settings, new Dictionary<PlatformService, Dictionary<string, string?>>
        {
            [PlatformService.Gateway] = new() { ["Gateway__RequestsPerSecond"] = "100000", ["Gateway__RequestBurst"] = "100000" },
            [PlatformService.Generator] = new() { ["Generator__MaxQueuedRequests"] = Math.Max(8, 2 * settings.Users.Max()).ToString(CultureInfo.InvariantCulture) },
        });
        var models = await bench.Gateway.GetModelsAsync(cancellationToken);
        var embedder = models.Services.Single(s => s.Role == "embedder").ModelId!;
        await bench.IngestAsync(corpus.Paragraphs, cancellationToken);
        var keys = await bench.CreateUserKeysAsync(settings.Users.Max(), cancellationToken);
        var http = keys.Select(k => bench.Platform.CreateClient(k, TimeSpan.FromMinutes(5))).ToList();
        var gateways = keys.Select(k => bench.Platform.CreateGatewayClient(k, timeout: TimeSpan.FromMinutes(5), rateLimitRetries: 0)).ToList();
        using var channel = GrpcChannel.ForAddress(bench.Platform.Url(PlatformService.Embedder));
        var grpc = new Embedder.EmbedderClient(channel);
        var texts = corpus.Paragraphs.Select(p => p.Text).ToList();
        string[] Batch(int size, long turn) => [.. Enumerable.Range(0, size).Select(i => texts[(int)((turn * size + i) % texts.Count)])];
        long nextQuestion = 0;
        string Question() => corpus.Questions[(int)(Interlocked.Increment(ref nextQuestion) % corpus.Questions.Count)].Question;

        Log($"warm-up: {settings.Warmup.TotalSeconds} s of each path");
        await ClosedLoop.RunAsync(1, settings.Warmup, null, (u, t, ct) => EmbedOpenAiAsync(http[u], embedder, Batch(16, t), ct), cancellationToken);
        await ClosedLoop.RunAsync(1, settings.Warmup, null, (_, t, ct) => EmbedGrpcAsync(grpc, Batch(16, t), ct), cancellationToken);
        await ClosedLoop.RunAsync(1, settings.Warmup, null, (u, _, ct) => ChatOpenAiAsync(http[u], Question(), settings.MaxTokens, ct), cancellationToken);

        var slice = settings.Duration / settings.Rounds;
        int? sliceRequests = settings.Requests is { } total ? (total + settings.Rounds - 1) / settings.Rounds : null;
        var embedLevels = new List<EmbedLevel>();
        foreach (var batch in settings.Batches)
        {
            foreach (var users in settings.Users)
            {
                var (viaOpenAi, viaGrpc) = (new List<LoopResult<CallSample>>(), new List<LoopResult<CallSample>>());
                for (var round = 0; round < settings.Rounds; round++)
                {
                    viaOpenAi.Add(await ClosedLoop.RunAsync(users, slice, sliceRequests, (u, t, ct) => EmbedOpenAiAsync(http[u], embedder, Batch(batch, t * users + u), ct), cancellationToken));
                    viaGrpc.Add(await ClosedLoop.RunAsync(users, slice, sliceRequests, (u, t, ct) => EmbedGrpcAsync(grpc, Batch(batch, t * users + u), ct), cancellationToken));
                }

                embedLevels.Add(new EmbedLevel(batch, users, LoopResult<CallSample>.Merge(viaOpenAi), LoopResult<CallSample>.Merge(viaGrpc)));
                Log($"embeddings batch {batch}, {users} users: done");
            }
        }

        var chatLevels = new List<ChatLevel>();
        foreach (var users in settings.Users)
        {
            var (viaOpenAi, viaAsk) = (new List<LoopResult<CallSample>>(), new List<LoopResult<CallSample>>());
            for (var round = 0; round < settings.Rounds; round++)
            {
                viaOpenAi.Add(await ClosedLoop.RunAsync(users, slice, sliceRequests, (u, _, ct) => ChatOpenAiAsync(http[u], Question(), settings.MaxTokens, ct), cancellationToken));
                viaAsk.Add(await ClosedLoop.RunAsync(users, slice, sliceRequests, async (u, _, ct) =>
                {
                    var ask = await new AskCall(gateways[u], settings).AskAsync(Question(), stream: true, ct);
                    return new CallSample(ask.Error, ask.LatencyMs, ask.FirstTokenMs);
                }, cancellationToken));
            }

            chatLevels.Add(new ChatLevel(users, LoopResult<CallSample>.Merge(viaOpenAi), LoopResult<CallSample>.Merge(viaAsk)));
            Log($"chat, {users} users: done");
        }

        var report = OpenAiReport.Markdown(settings, embedLevels, chatLevels, models, Stats.LoadAverage());
        Console.WriteLine(report);
        var directory = await ResultFiles.WriteAsync(settings, $"openai-{settings.Models}", report, OpenAiReport.Summaries(embedLevels, chatLevels),
            bench.ServiceWarnings(), cancellationToken);
        Log($"results in {directory}");
        var failed = embedLevels.Any(l => l.OpenAi.Samples.Concat(l.Grpc.Samples).Any(s => s.Error is not null))
            || chatLevels.Any(l => l.OpenAi.Samples.Concat(l.Ask.Samples).Any(s => s.Error is not null));
        return failed ? 1 : 0;
    }

    private static async Task<CallSample> EmbedOpenAiAsync(HttpClient http, string model, string[] input, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = model, ["input"] = input, ["encoding_format"] = "base64" });
        try
        {
            using var response = await http.PostAsync("/openai/v1/embeddings", new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), cancellationToken);
            // Read and parsed as a client would: the vectors are decoded from base64.
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new CallSample(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Elapsed(started), null);
            }

            var vectors = json.RootElement.GetProperty("data").EnumerateArray().Select(d => Convert.FromBase64String(d.GetProperty("embedding").GetString()!)).Count();
            return new CallSample(vectors == input.Length ? null : "short", Elapsed(started), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new CallSample(ex.GetType().Name, Elapsed(started), null);
        }
    }

    private static async Task<CallSample> EmbedGrpcAsync(Embedder.EmbedderClient grpc, string[] input, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await grpc.EmbedAsync(new EmbedRequest { Texts = { input }, Role = EmbedRole.Passage }, cancellationToken: cancellationToken);
            return new CallSample(response.Embeddings.Count == input.Length ? null : "short", Elapsed(started), null);
        }
        catch (Grpc.Core.RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new CallSample(ex.StatusCode.ToString(), Elapsed(started), null);
        }
    }

    /// <summary>A streamed rag:squad completion, read as an OpenAI client reads it: first token is the first non-empty content delta.</summary>
    private static async Task<CallSample> ChatOpenAiAsync(HttpClient http, string question, int maxTokens, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        double? firstToken = null;
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = $"rag:{BenchPlatform.Collection}", ["stream"] = true, ["max_tokens"] = maxTokens,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = question } },
        });
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new CallSample(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), Elapsed(started), null);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line == "data: [DONE]")
                {
                    return new CallSample(null, Elapsed(started), firstToken);
                }

                if (firstToken is null && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var chunk = JsonDocument.Parse(line.AsMemory(6));
                    if (chunk.RootElement.TryGetProperty("error", out _))
                    {
                        return new CallSample("sse-error", Elapsed(started), firstToken);
                    }

                    if (chunk.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                        && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
                    {
                        firstToken = Elapsed(started);
                    }
                }
            }

            return new CallSample("sse-incomplete", Elapsed(started), firstToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return new CallSample(ex.GetType().Name, Elapsed(started), firstToken);
        }
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static void Log(string message) => Console.Error.WriteLine($"platform-openai: {message}");
}
