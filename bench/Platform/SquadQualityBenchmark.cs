using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagPlatform.Launcher;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>
/// Retrieval and extractive-answer quality through the gateway with the shipped defaults: the platform as `rag up`
/// starts it (a real embedder, the forged reranker and generator, so the reranker is skipped and answers are
/// extractive), SQuAD dev's paragraphs ingested one document each, and every answerable question (or --limit of them,
/// spread over the set) asked in each retrieval mode with topK and topN 20. hit@k is the gold paragraph's document
/// among the answer's first k passages; for the extractive answer, whether its first quoted sentence holds a gold
/// answer (case-insensitive). Writes {out}/squad-{embedder}.json and .md.
/// </summary>
internal static class SquadQualityBenchmark
{
    private const int Depth = 20;
    private static readonly int[] Cutoffs = [1, 5, 20];

    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var embedder = Path.GetFullPath(settings.Embedder ?? throw new ArgumentException("squad needs --embedder DIR (a real embedder, e.g. .models/real/arctic-embed-xs)."));
        var corpus = SquadSet.Load(0);
        var questions = settings.Limit <= 0 || settings.Limit >= corpus.Questions.Count
            ? corpus.Questions
            : [.. Enumerable.Range(0, settings.Limit).Select(i => corpus.Questions[i * corpus.Questions.Count / settings.Limit])];
        var loadAtStart = File.ReadAllText("/proc/loadavg").Trim();
        var overrides = new Dictionary<PlatformService, Dictionary<string, string?>>
        {
            [PlatformService.Embedder] = new() { ["Embedder__ModelDirectory"] = embedder },
            // The shipped defaults: forged models are skipped, not run (BenchPlatform runs them for latency benchmarks).
            [PlatformService.Orchestrator] = new() { ["Answering__RunForgedModels"] = "false" },
            [PlatformService.Gateway] = new() { ["Gateway__RequestsPerSecond"] = "1000", ["Gateway__RequestBurst"] = "1000" },
        };
        await using var platform = await BenchPlatform.StartAsync(settings, overrides);
        var models = await platform.Gateway.GetModelsAsync(cancellationToken);
        var ingest = await platform.IngestAsync(corpus.Paragraphs, cancellationToken);
        Console.Error.WriteLine($"squad: {corpus.Paragraphs.Count} paragraphs ingested in {ingest.TotalSeconds:F0} s; asking {questions.Count} questions per mode.");

        using var http = platform.Platform.CreateClient(timeout: TimeSpan.FromMinutes(5));
        var results = new List<ModeResult>();
        foreach (var mode in settings.Modes)
        {
            results.Add(await AskAllAsync(http, mode, questions, cancellationToken));
            Console.Error.WriteLine($"squad: {Describe(results[^1])}");
        }

        var report = new
        {
            command = "squad",
            embedder,
            models,
            paragraphs = corpus.Paragraphs.Count,
            questions = questions.Count,
            ingestSeconds = ingest.TotalSeconds,
            loadAtStart,
            loadAtEnd = File.ReadAllText("/proc/loadavg").Trim(),
            modes = results,
        };
        Directory.CreateDirectory(settings.OutputDirectory);
        var name = Path.GetFileName(embedder.TrimEnd('/'));
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"squad-{name}.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        var markdown = Markdown(name, questions.Count, results, loadAtStart, report.loadAtEnd);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, $"squad-{name}.md"), markdown, cancellationToken);
        Console.WriteLine(markdown);
        return results.Sum(r => r.Failures) == 0 ? 0 : 1;
    }

    private static async Task<ModeResult> AskAllAsync(HttpClient http, string mode, IReadOnlyList<SquadQuestion> questions, CancellationToken cancellationToken)
    {
        var hits = new int[Cutoffs.Length];
        int failures = 0, extractive = 0, goldInTopSentence = 0, forged = 0;
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var seconds = new List<double>();
        foreach (var question in questions)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("/v1/ask", new { collection = BenchPlatform.Collection, question = question.Question, mode, topK = Depth, topN = Depth },
                cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures++;
                continue;
            }

            var answer = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken));
            seconds.Add(clock.Elapsed.TotalSeconds);
            var ranking = answer.GetProperty("citations").EnumerateArray().OrderBy(c => c.GetProperty("n").GetInt32())
                .Select(c => c.GetProperty("documentId").GetString()).Distinct().ToList();
            var rank = ranking.IndexOf(question.GoldDocumentId) + 1;
            for (var i = 0; i < Cutoffs.Length; i++)
            {
                hits[i] += rank >= 1 && rank <= Cutoffs[i] ? 1 : 0;
            }

            forged += answer.GetProperty("forgedModels").GetBoolean() ? 1 : 0;
            foreach (var stage in answer.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("stage").GetString()!))
            {
                skipped[stage] = skipped.GetValueOrDefault(stage) + 1;
            }

            if (answer.GetProperty("answerKind").GetString() == "extractive")
            {
                extractive++;
                var top = ExtractiveQuotes.Parse(answer.GetProperty("answer").GetString()!).FirstOrDefault().Sentence ?? "";
                goldInTopSentence += question.Answers.Any(a => top.Contains(a.Trim(), StringComparison.OrdinalIgnoreCase)) ? 1 : 0;
            }
        }

        var answered = questions.Count - failures;
        double Rate(int count) => answered == 0 ? 0 : (double)count / answered;
        seconds.Sort();
        return new ModeResult(mode, questions.Count, failures, Rate(hits[0]), Rate(hits[1]), Rate(hits[2]), Rate(extractive), Rate(goldInTopSentence),
            Rate(forged), skipped, seconds.Count == 0 ? 0 : seconds[seconds.Count / 2]);
    }

    private static string Describe(ModeResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Mode}: hit@1 {r.HitAt1:F3}, hit@5 {r.HitAt5:F3}, hit@20 {r.HitAt20:F3}, extractive {r.Extractive:P0}, top sentence holds gold {r.GoldInTopSentence:F3}, {r.Failures} failed");

    private static string Markdown(string embedder, int questions, IReadOnlyList<ModeResult> results, string loadAtStart, string loadAtEnd)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"SQuAD dev through the gateway, shipped defaults, embedder {embedder}, {questions} questions per mode (load {loadAtStart} → {loadAtEnd})");
        text.AppendLine();
        text.AppendLine("| mode | hit@1 | hit@5 | hit@20 | extractive answers | top sentence holds a gold answer | median ask s | failed |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Mode} | {r.HitAt1:F3} | {r.HitAt5:F3} | {r.HitAt20:F3} | {r.Extractive:P0} | {r.GoldInTopSentence:F3} | {r.MedianSeconds:F2} | {r.Failures} |");
        }

        return text.ToString();
    }

    /// <param name="Skipped">Answers that skipped each stage (rerank, generate), by stage.</param>
    private sealed record ModeResult(string Mode, int Questions, int Failures, double HitAt1, double HitAt5, double HitAt20, double Extractive,
        double GoldInTopSentence, double Forged, IReadOnlyDictionary<string, int> Skipped, double MedianSeconds);
}
