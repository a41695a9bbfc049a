using System.Globalization;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Bench.Platform;

/// <summary>One path at one batch size and concurrency, reduced to the figures the tables show.</summary>
internal sealed record OpenAiPathSummary(string Path, int Batch, int Users, int Requests, int Errors, double TextsPerSecond, double LatencyP50,
    double LatencyP95, double FirstTokenP50, double FirstTokenP95);

/// <summary>The `openai` results as Markdown tables (for docs/BENCHMARKS.md) and as JSON.</summary>
internal static class OpenAiReport
{
    public static IReadOnlyList<OpenAiPathSummary> Summaries(IReadOnlyList<EmbedLevel> embeds, IReadOnlyList<ChatLevel> chats) =>
    [
        .. embeds.SelectMany(l => new[] { Summary("/openai/v1/embeddings", l.Batch, l.Users, l.OpenAi), Summary("gRPC Embed", l.Batch, l.Users, l.Grpc) }),
        .. chats.SelectMany(l => new[] { Summary("/openai/v1/chat/completions rag: stream", 0, l.Users, l.OpenAi), Summary("/v1/ask SSE", 0, l.Users, l.Ask) }),
    ];

    public static string Markdown(BenchSettings settings, IReadOnlyList<EmbedLevel> embeds, IReadOnlyList<ChatLevel> chats, ModelsResource models, string loadAtEnd)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Models: {string.Join(", ", models.Services.Select(s => $"{s.Role}: {s.ModelId}"))}; {settings.Duration.TotalSeconds} s per level in {settings.Rounds} interleaved rounds; load at end {loadAtEnd}."));
        text.AppendLine();
        text.AppendLine("| batch | users | /openai/v1/embeddings texts/s | gRPC Embed texts/s | ratio | p50 ms (openai / gRPC) | errors |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var level in embeds)
        {
            var (openAi, grpc) = (Summary("", level.Batch, level.Users, level.OpenAi), Summary("", level.Batch, level.Users, level.Grpc));
            text.AppendLine(Invariant($"| {level.Batch} | {level.Users} | {openAi.TextsPerSecond:F1} | {grpc.TextsPerSecond:F1} | {openAi.TextsPerSecond / grpc.TextsPerSecond:F2}× | {openAi.LatencyP50:F1} / {grpc.LatencyP50:F1} | {openAi.Errors + grpc.Errors} |"));
        }

        text.AppendLine();
        text.AppendLine("| users | chat completions (rag:, stream) first token p50 / p95 ms | /v1/ask SSE first token p50 / p95 ms | ratio (p50) | errors |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var level in chats)
        {
            var (openAi, ask) = (Summary("", 0, level.Users, level.OpenAi), Summary("", 0, level.Users, level.Ask));
            text.AppendLine(Invariant($"| {level.Users} | {openAi.FirstTokenP50:F0} / {openAi.FirstTokenP95:F0} | {ask.FirstTokenP50:F0} / {ask.FirstTokenP95:F0} | {openAi.FirstTokenP50 / ask.FirstTokenP50:F2}× | {openAi.Errors + ask.Errors} |"));
        }

        return text.ToString();
    }

    private static OpenAiPathSummary Summary(string path, int batch, int users, LoopResult<CallSample> result)
    {
        var ok = result.Samples.Where(s => s.Error is null).ToList();
        return new(path, batch, users, result.Samples.Count, result.Samples.Count - ok.Count, result.PerSecond(s => s.Error is null) * Math.Max(batch, 1),
            Stats.Percentile(ok.Select(s => s.LatencyMs), 50), Stats.Percentile(ok.Select(s => s.LatencyMs), 95),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 50),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 95));
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
