using System.Diagnostics;
using System.Text;
using RagPlatform.Client;
using RagPlatform.Launcher;

namespace RagPlatform.Bench.Platform;

/// <summary>Each service's resident memory at one moment of the soak.</summary>
internal sealed record MemorySample(TimeSpan At, IReadOnlyDictionary<PlatformService, long?> Bytes);

/// <summary>
/// `soak`: the whole platform with its shipped limits at a fixed, bounded request rate (open loop) for a fixed time:
/// asks (JSON and SSE alternating), document status and list reads, and re-uploads of a rotating set of ten documents
/// (so the index is written to all along but does not grow). Each service's RSS is sampled at the start, every
/// <see cref="BenchSettings.SampleEvery"/> and at the end, after an unmeasured warm-up of the same schedule. Passes with
/// no errors and every RSS flat from the start of the measured window to its end.
/// </summary>
internal static class SoakBenchmark
{
    private const int RotatingDocuments = 10;

    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var corpus = SquadSet.Load(settings.Paragraphs);
        var loadAtStart = Stats.LoadAverage();
        Log($"models {settings.Models}, {settings.Rate}/s asks + {settings.ReadRate}/s reads + an upload every {settings.UploadEverySeconds} s " +
            $"for {settings.Duration.TotalMinutes:0.#} min; load {loadAtStart}");
        // The shipped limits: the rate is chosen to sit inside them, and a soak should prove the defaults hold.
        await using var bench = await BenchPlatform.StartAsync(settings, new Dictionary<PlatformService, Dictionary<string, string?>>());
        Log($"ingesting {corpus.Paragraphs.Count} SQuAD paragraphs");
        var ingest = await bench.IngestAsync(corpus.Paragraphs, cancellationToken);
        Log($"indexed in {ingest.TotalSeconds:F1} s");
        var key = (await bench.CreateUserKeysAsync(1, cancellationToken))[0];
        var gateway = bench.Platform.CreateGatewayClient(key, timeout: TimeSpan.FromMinutes(2), rateLimitRetries: 0);
        var ask = new AskCall(gateway, settings);
        await ClosedLoop.RunAsync(1, settings.Warmup, null, (_, turn, ct) => ask.AskAsync(corpus.Questions[(int)turn].Question, turn % 2 == 1, ct), cancellationToken);
        var documentIds = corpus.Paragraphs.Select(p => p.DocumentId).ToArray();
        Task[] Schedule(OpenLoop loop, TimeSpan duration) =>
        [
            loop.ScheduleAsync("ask", settings.Rate, duration, async (k, ct) =>
            {
                var answer = await ask.AskAsync(corpus.Questions[(int)(k % corpus.Questions.Count)].Question, stream: k % 2 == 1, ct);
                return answer.Error;
            }, cancellationToken),
            loop.ScheduleAsync("read", settings.ReadRate, duration, (k, ct) => ReadAsync(gateway, k, documentIds, ct), cancellationToken),
            loop.ScheduleAsync("upload", 1 / settings.UploadEverySeconds, duration, (k, ct) => UploadAsync(gateway, k, corpus, ct), cancellationToken),
        ];

        if (settings.SoakWarmup > TimeSpan.Zero)
        {
            Log($"warm-up: the same schedule for {settings.SoakWarmup.TotalMinutes:0.#} min, not measured; RSS MiB {Mib(new MemorySample(TimeSpan.Zero, bench.ResidentMemory()))}");
            var warm = new OpenLoop(Stopwatch.StartNew(), settings.MaxInFlight);
            await Task.WhenAll(Schedule(warm, settings.SoakWarmup));
            await warm.DrainAsync().WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var load = new OpenLoop(clock, settings.MaxInFlight);
        var memory = new List<MemorySample> { new(TimeSpan.Zero, bench.ResidentMemory()) };
        Log($"soak started; RSS MiB {Mib(memory[0])}");
        await Task.WhenAll([.. Schedule(load, settings.Duration), SampleMemoryAsync(bench, clock, settings, memory, load, cancellationToken)]);

        Log($"schedule done at {clock.Elapsed.TotalSeconds:F0} s; draining {load.InFlight} in flight");
        await load.DrainAsync().WaitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        memory.Add(new MemorySample(clock.Elapsed, bench.ResidentMemory()));
        Log($"end; RSS MiB {Mib(memory[^1])}");

        var result = SoakReport.Evaluate(settings, load.Samples, memory);
        var report = SoakReport.Markdown(settings, result, ingest, corpus, loadAtStart, Stats.LoadAverage());
        Console.WriteLine(report);
        var warnings = bench.ServiceWarnings();
        await ResultFiles.WriteAsync(settings, $"soak-{settings.Models}", report, result, warnings, cancellationToken);
        Log($"{warnings.Count} warnings or errors logged by the services (in soak-{settings.Models}-warnings.log)");
        foreach (var warning in warnings.Take(20))
        {
            Log(warning);
        }

        Console.WriteLine(result.Verdict);
        return result.Passed ? 0 : 1;
    }

    /// <summary>Mostly one document's status; every fourth read a page of the listing.</summary>
    private static Task<string?> ReadAsync(RagPlatformClient gateway, long k, string[] documentIds, CancellationToken cancellationToken) =>
        ErrorOfAsync(() => k % 4 == 3
            ? gateway.ListDocumentsAsync(BenchPlatform.Collection, 100, cancellationToken: cancellationToken)
            : (Task)gateway.GetDocumentAsync(BenchPlatform.Collection, documentIds[k * 31 % documentIds.Length], cancellationToken));

    /// <summary>Replaces one of ten rotating documents with new text: a re-index each time, a bounded index.</summary>
    private static Task<string?> UploadAsync(RagPlatformClient gateway, long k, SquadSet corpus, CancellationToken cancellationToken)
    {
        var text = $"{corpus.Paragraphs[(int)(k * 7 % corpus.Paragraphs.Count)].Text}\n\nRevision {k} of this soak document.";
        return ErrorOfAsync(() => gateway.UploadDocumentAsync(BenchPlatform.Collection, new UploadFile($"soak-{k % RotatingDocuments:D2}.txt", Encoding.UTF8.GetBytes(text)),
            cancellationToken: cancellationToken));
    }

    /// <summary>Null when the call succeeded, else the refusal's HTTP status.</summary>
    private static async Task<string?> ErrorOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RagPlatformException ex)
        {
            return ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static async Task SampleMemoryAsync(BenchPlatform bench, Stopwatch clock, BenchSettings settings, List<MemorySample> memory,
        OpenLoop load, CancellationToken cancellationToken)
    {
        for (var next = settings.SampleEvery; next < settings.Duration; next += settings.SampleEvery)
        {
            if (next - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var sample = new MemorySample(clock.Elapsed, bench.ResidentMemory());
            memory.Add(sample);
            var samples = load.Samples;
            Log($"{sample.At.TotalMinutes:F1} min: {samples.Count} requests, {samples.Count(s => s.Error is not null)} errors, " +
                $"{load.InFlight} in flight, load {Stats.LoadAverage()}; RSS MiB {Mib(sample)}");
        }
    }

    private static string Mib(MemorySample sample) =>
        string.Join(", ", sample.Bytes.Select(b => $"{b.Key} {(b.Value is { } v ? (v / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "gone")}"));

    private static void Log(string message) => Console.Error.WriteLine($"platform-soak: {message}");
}
