using System.Globalization;
using System.Text;
using RagPlatform.Launcher;

namespace RagPlatform.Bench.Platform;

internal sealed record KindSummary(string Kind, int Requests, int Errors, double LatencyP50, double LatencyP99, double LatencyMax);

/// <summary>One service's RSS over the soak; <see cref="Flat"/> when End − Baseline stays within <see cref="BoundBytes"/>.</summary>
internal sealed record ServiceGrowth(PlatformService Service, long? Start, long? Baseline, long? End, long? Peak, long BoundBytes, bool Flat);

internal sealed record SoakResult(
    int Requests,
    double AsksPerSecond,
    IReadOnlyDictionary<string, int> Errors,
    IReadOnlyList<KindSummary> Kinds,
    IReadOnlyList<MemorySample> Memory,
    TimeSpan BaselineAt,
    IReadOnlyList<ServiceGrowth> Growth,
    bool Passed,
    string Verdict);

/// <summary>The soak's verdict and its tables.</summary>
internal static class SoakReport
{
    /// <summary>
    /// The memory baseline is the start of the measured window when a warm-up ran before it (every code path has run,
    /// pools and caches have filled, the GC has settled its budgets, so growth after it is what a leak would look
    /// like); without a warm-up, the first sample at or after 2 minutes stands in for it.
    /// </summary>
    private static readonly TimeSpan BaselineAfter = TimeSpan.FromMinutes(2);

    public static SoakResult Evaluate(BenchSettings settings, IReadOnlyList<SoakSample> samples, IReadOnlyList<MemorySample> memory)
    {
        var kinds = samples.GroupBy(s => s.Kind).Select(Summarise).Append(Summarise(samples.GroupBy(_ => "all").Single())).ToList();
        var errors = samples.Where(s => s.Error is not null).GroupBy(s => $"{s.Kind}: {s.Error}").ToDictionary(g => g.Key, g => g.Count());
        var baseline = settings.SoakWarmup > TimeSpan.Zero ? memory[0]
            : memory.FirstOrDefault(m => m.At >= BaselineAfter - TimeSpan.FromSeconds(5)) is { } late && late != memory[^1] ? late : memory[0];
        var growth = PlatformServices.All.Select(service =>
        {
            var (start, at2, end) = (memory[0].Bytes[service], baseline.Bytes[service], memory[^1].Bytes[service]);
            var bound = Math.Max(settings.RssGrowthFloorBytes, (long)((at2 ?? 0) * settings.RssGrowthPercent / 100));
            var peak = memory.Select(m => m.Bytes[service]).Max();
            return new ServiceGrowth(service, start, at2, end, peak, bound, at2 is { } b && end is { } e && e - b <= bound);
        }).ToList();

        var passed = errors.Count == 0 && growth.All(g => g.Flat);
        var asks = samples.Count(s => s.Kind == "ask" && s.Error is null) / settings.Duration.TotalSeconds;
        var verdict = passed
            ? $"PASS: {samples.Count} requests, 0 errors; every service's RSS grew at most its bound (max({settings.RssGrowthPercent}%, " +
              $"{settings.RssGrowthFloorBytes / 1048576} MiB)) from {baseline.At.TotalMinutes:F1} min to the end."
            : $"FAIL: {samples.Count} requests, {errors.Values.Sum()} errors" +
              (errors.Count > 0 ? $" ({string.Join(", ", errors.Select(e => $"{e.Value}× {e.Key}"))})" : "") +
              (growth.Any(g => !g.Flat) ? $"; RSS over bound: {string.Join(", ", growth.Where(g => !g.Flat).Select(g => $"{g.Service} {Mib(g.End - g.Baseline)} MiB"))}" : "") + ".";
        return new SoakResult(samples.Count, asks, errors, kinds, memory, baseline.At, growth, passed, verdict);
    }

    public static string Markdown(BenchSettings settings, SoakResult result, TimeSpan ingest, SquadSet corpus, string loadAtStart, string loadAtEnd)
    {
        var text = new StringBuilder();
        Line(text, $"Models: {settings.Models}. Corpus: {corpus.Paragraphs.Count} SQuAD dev paragraphs indexed in {ingest.TotalSeconds:F1} s. " +
            $"Schedule: {settings.Rate} asks/s (maxTokens {settings.MaxTokens}, mode {settings.Mode}, JSON and SSE alternating), {settings.ReadRate} reads/s, " +
            $"an upload every {settings.UploadEverySeconds} s, for {settings.Duration.TotalMinutes:0.#} min; {result.AsksPerSecond:F2} answered asks/s. " +
            $"Load average {loadAtStart} at the start, {loadAtEnd} at the end; {Environment.ProcessorCount} cores." +
            (settings.Set.Count > 0 ? $" Settings: {string.Join("; ", settings.Set.Select(s => $"{s.Service} {s.Key}={s.Value}"))}." : ""));
        Line(text, "");
        Line(text, "| requests | count | errors | latency p50 ms | p99 ms | max ms |");
        Line(text, "|---|---|---|---|---|---|");
        foreach (var k in result.Kinds)
        {
            Line(text, $"| {k.Kind} | {k.Requests} | {k.Errors} | {k.LatencyP50:F1} | {k.LatencyP99:F1} | {k.LatencyMax:F1} |");
        }

        Line(text, "");
        Line(text, "Resident memory (VmRSS, MiB) of each process:");
        Line(text, "");
        var services = PlatformServices.All;
        Line(text, $"| at | {string.Join(" | ", services)} |");
        Line(text, $"|---|{string.Concat(services.Select(_ => "---|"))}");
        foreach (var m in result.Memory)
        {
            var label = m == result.Memory[0] ? "start" : m == result.Memory[^1] ? $"end ({m.At.TotalMinutes:F1} min)" : $"{m.At.TotalMinutes:F1} min";
            Line(text, $"| {label} | {string.Join(" | ", services.Select(s => Mib(m.Bytes[s])))} |");
        }

        Line(text, $"| growth {result.BaselineAt.TotalMinutes:F1} min → end | {string.Join(" | ", result.Growth.Select(g => $"{Signed(g.End - g.Baseline)} (bound {Mib(g.BoundBytes)})"))} |");
        Line(text, "");
        Line(text, result.Verdict);
        return text.ToString();
    }

    private static KindSummary Summarise(IGrouping<string, SoakSample> group)
    {
        var latencies = group.Where(s => s.Error is null).Select(s => s.LatencyMs).ToList();
        return new KindSummary(group.Key, group.Count(), group.Count(s => s.Error is not null),
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), latencies.Count == 0 ? double.NaN : latencies.Max());
    }

    private static string Mib(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) : "gone";

    private static string Signed(long? bytes) => bytes is { } b ? (b >= 0 ? "+" : "") + Mib(b) : "n/a";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
