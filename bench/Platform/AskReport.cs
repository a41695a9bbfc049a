using System.Globalization;
using System.Text;
using RagPlatform.Client;
using RagPlatform.Launcher;

namespace RagPlatform.Bench.Platform;

/// <summary>One path (ask or bare generate) at one concurrency, reduced to the figures the tables show.</summary>
internal sealed record PathSummary(
    string Path,
    int Users,
    int Requests,
    IReadOnlyDictionary<string, int> Errors,
    double WindowSeconds,
    double PerSecond,
    IReadOnlyList<double> PerSecondByRound,
    double LatencyP50,
    double LatencyP95,
    double LatencyMean,
    double FirstTokenP50,
    double FirstTokenP95,
    double PromptTokens,
    double CompletionTokens,
    ServerTimings? ServerMean,
    int NoAnswer,
    int Degraded,
    string LoadBefore,
    string LoadAfter);

/// <summary>The `ask` results as Markdown tables (for docs/BENCHMARKS.md) and as JSON.</summary>
internal static class AskReport
{
    public static IReadOnlyList<PathSummary> Summaries(IReadOnlyList<AskLevel> levels) =>
        [.. levels.SelectMany(l => new[] { OfAsk(l), OfGenerate(l) })];

    public static string Markdown(BenchSettings settings, IReadOnlyList<AskLevel> levels, TimeSpan ingest, SquadSet corpus,
        string loadAtStart, string loadAtEnd, ModelsResource models, IReadOnlyDictionary<PlatformService, long?> residentAtEnd)
    {
        var text = new StringBuilder();
        var modelIds = string.Join(", ", models.Services.Select(s => $"{s.Role}: {s.ModelId}"));
        Line(text, $"Models: {settings.Models} ({modelIds}). Corpus: {corpus.Paragraphs.Count} SQuAD dev paragraphs indexed in {ingest.TotalSeconds:F1} s.");
        Line(text, $"Each level: {(settings.Requests is { } r ? $"{r} requests" : $"{settings.Duration.TotalSeconds:0} s")} of closed-loop users per path, " +
            $"in {settings.Rounds} interleaved rounds (ask, bare generate, ask, ...), mode {settings.Mode}, " +
            $"maxTokens {settings.MaxTokens}, intra-op threads {settings.Threads?.ToString(CultureInfo.InvariantCulture) ?? "shipped default"}. " +
            $"Load average {loadAtStart} at the start, {loadAtEnd} at the end; {Environment.ProcessorCount} cores." +
            (settings.Set.Count > 0 ? $" Settings: {string.Join("; ", settings.Set.Select(s => $"{s.Service} {s.Key}={s.Value}"))}." : ""));
        Line(text, "");
        Line(text, "| users | path | requests (errors) | requests/s (by round) | latency p50 / p95 ms | first token p50 / p95 ms | prompt / completion tokens | load before → after |");
        Line(text, "|---|---|---|---|---|---|---|---|");
        foreach (var s in Summaries(levels))
        {
            Line(text, $"| {s.Users} | {s.Path} | {s.Requests} ({ErrorText(s.Errors)}) | {s.PerSecond:F2} ({string.Join(", ", s.PerSecondByRound.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}) | {s.LatencyP50:F0} / {s.LatencyP95:F0} | " +
                $"{s.FirstTokenP50:F0} / {s.FirstTokenP95:F0} | {s.PromptTokens:F0} / {s.CompletionTokens:F1} | {s.LoadBefore} → {s.LoadAfter} |");
        }

        Line(text, "");
        Line(text, "Where an ask's time goes (means, ms; server figures are the orchestrator's `timings`):");
        Line(text, "");
        Line(text, "| users | client latency | server total | retrieve | rerank | prompt build + other | generate | gateway + HTTP | generate share | no-answer / degraded |");
        Line(text, "|---|---|---|---|---|---|---|---|---|---|");
        foreach (var level in levels)
        {
            var s = OfAsk(level);
            if (s.ServerMean is not { } m)
            {
                continue;
            }

            Line(text, $"| {s.Users} | {s.LatencyMean:F1} | {m.TotalMs:F1} | {m.RetrieveMs:F1} | {m.RerankMs:F1} | {m.OtherMs:F1} | {m.GenerateMs:F1} | " +
                $"{s.LatencyMean - m.TotalMs:F1} | {m.GenerateMs / s.LatencyMean:P0} | {s.NoAnswer} / {s.Degraded} |");
        }

        Line(text, "");
        Line(text, "| users | latency p50: ask ÷ generate | requests/s: ask ÷ generate | first token p50: ask ÷ generate |");
        Line(text, "|---|---|---|---|");
        foreach (var level in levels)
        {
            var (a, g) = (OfAsk(level), OfGenerate(level));
            Line(text, $"| {a.Users} | {a.LatencyP50 / g.LatencyP50:F2}× | {a.PerSecond / g.PerSecond:F2}× | {a.FirstTokenP50 / g.FirstTokenP50:F2}× |");
        }

        Line(text, "");
        Line(text, "Resident memory at the end (VmRSS, MiB): " +
            string.Join(", ", residentAtEnd.Select(r => $"{r.Key} {(r.Value is { } b ? (b / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "gone")}")) + ".");

        return text.ToString();
    }

    private static PathSummary OfAsk(AskLevel level)
    {
        var ok = level.Ask.Samples.Where(s => s.Error is null).ToList();
        var timed = ok.Where(s => s.Server is not null).Select(s => s.Server!).ToList();
        var mean = timed.Count == 0 ? null : new ServerTimings(timed.Average(t => t.RetrieveMs), timed.Average(t => t.RerankMs),
            timed.Average(t => t.GenerateMs), timed.Average(t => t.FirstTokenMs), timed.Average(t => t.TotalMs));
        return new PathSummary("/v1/ask", level.Users, level.Ask.Samples.Count, Errors(level.Ask.Samples.Select(s => s.Error)),
            level.Ask.Rounds.Sum(r => r.Window.TotalSeconds), level.Ask.PerSecond(s => s.Error is null), level.Ask.PerSecondByRound(s => s.Error is null),
            Stats.Percentile(ok.Select(s => s.LatencyMs), 50), Stats.Percentile(ok.Select(s => s.LatencyMs), 95), Stats.Mean(ok.Select(s => s.LatencyMs)),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 50),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 95),
            Stats.Mean(ok.Select(s => (double)s.PromptTokens)), Stats.Mean(ok.Select(s => (double)s.CompletionTokens)),
            mean, ok.Count(s => s.NoAnswer), ok.Count(s => s.Degraded.Count > 0), level.LoadBefore, level.LoadAfter);
    }

    private static PathSummary OfGenerate(AskLevel level)
    {
        var ok = level.Generate.Samples.Where(s => s.Error is null).ToList();
        return new PathSummary("bare Generate (gRPC)", level.Users, level.Generate.Samples.Count, Errors(level.Generate.Samples.Select(s => s.Error)),
            level.Generate.Rounds.Sum(r => r.Window.TotalSeconds), level.Generate.PerSecond(s => s.Error is null), level.Generate.PerSecondByRound(s => s.Error is null),
            Stats.Percentile(ok.Select(s => s.LatencyMs), 50), Stats.Percentile(ok.Select(s => s.LatencyMs), 95), Stats.Mean(ok.Select(s => s.LatencyMs)),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 50),
            Stats.Percentile(ok.Where(s => s.FirstTokenMs is not null).Select(s => s.FirstTokenMs!.Value), 95),
            Stats.Mean(ok.Select(s => (double)s.PromptTokens)), Stats.Mean(ok.Select(s => (double)s.CompletionTokens)),
            null, 0, 0, level.LoadBefore, level.LoadAfter);
    }

    private static Dictionary<string, int> Errors(IEnumerable<string?> errors) =>
        errors.OfType<string>().GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());

    private static string ErrorText(IReadOnlyDictionary<string, int> errors) =>
        errors.Count == 0 ? "0" : string.Join(", ", errors.Select(e => $"{e.Value}× {e.Key}"));

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
