using System.Diagnostics;
using System.Text.Json;
using RagPlatform.Client;

namespace RagPlatform.Bench.Platform;

/// <summary>The orchestrator's own account of an answer (the `timings` object), in milliseconds.</summary>
internal sealed record ServerTimings(double RetrieveMs, double RerankMs, double GenerateMs, double FirstTokenMs, double TotalMs)
{
    /// <summary>What is neither retrieval, reranking nor generation: mostly building the prompt (counted with the local tokenizer).</summary>
    public double OtherMs => TotalMs - RetrieveMs - RerankMs - GenerateMs;

    public static ServerTimings From(AnswerTimings t) => new(t.RetrieveMs, t.RerankMs, t.GenerateMs, t.FirstTokenMs, t.TotalMs);
}

/// <summary>
/// One /v1/ask as the client saw it. <see cref="Error"/> is null for a complete answer, else the HTTP status
/// ("429", "503"), "sse-error", "sse-incomplete" or the exception's type. <see cref="FirstTokenMs"/> is the first
/// `token` event (streamed asks only). <see cref="Passages"/> are the answer's citations: the passages its prompt held.
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
    IReadOnlyList<CitationResource> Passages);

/// <summary>Asks through RagPlatformClient exactly as an application does: a JSON answer, or the events as they arrive.</summary>
internal sealed class AskCall(RagPlatformClient gateway, BenchSettings settings)
{
    public async Task<AskSample> AskAsync(string question, bool stream, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var request = new AskRequest(BenchPlatform.Collection, question) { Mode = settings.Mode, MaxTokens = settings.MaxTokens, TimeoutSeconds = settings.TimeoutSeconds };
        double? firstToken = null;
        try
        {
            if (!stream)
            {
                return Complete(false, started, null, await gateway.AskAsync(request, cancellationToken), question);
            }

            IReadOnlyList<CitationResource> citations = [];
            await foreach (var next in gateway.AskStreamAsync(request, cancellationToken))
            {
                switch (next)
                {
                    case AnswerToken:
                        firstToken ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        break;
                    case AnswerCitations cited:
                        citations = cited.Citations;
                        break;
                    case AnswerDone done:
                        return Complete(true, started, firstToken, new AnswerResource(done) { Citations = citations }, question);
                }
            }

            return Failed("sse-incomplete");
        }
        catch (RagPlatformException ex)
        {
            // A refusal before the stream (its HTTP status), or the stream's own error event.
            return Failed(firstToken is null ? ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : "sse-error");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Failed(ex.GetType().Name);
        }

        AskSample Failed(string error) =>
            new(stream, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, null, 0, 0, false, [], question, []);
    }

    /// <summary>A finished answer: the JSON answer and the streamed `done` event carry the same usage, timings and flags.</summary>
    private static AskSample Complete(bool stream, long started, double? firstToken, AnswerResource answer, string question) =>
        new(stream, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, ServerTimings.From(answer.Timings),
            answer.Usage.PromptTokens, answer.Usage.CompletionTokens, answer.NoAnswer, answer.Degraded, question, [.. answer.Citations.OrderBy(c => c.N)]);
}
