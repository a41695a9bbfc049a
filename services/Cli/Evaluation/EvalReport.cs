using System.Globalization;
using System.Text.Json;
using RagPlatform.Cli.CommandLine;
using Spectre.Console;

namespace RagPlatform.Cli.Evaluation;

/// <summary>One asked question: the gold paragraph's rank among the answer's passages (null = not there) and the answer's scores.</summary>
internal sealed record QuestionResult(string QuestionId, int? Rank, double ExactMatch, double F1, int PromptPassages);

/// <summary>The scores of a run: hit@k and MRR over the passages each answer was given, exact match and F1 over the answers.</summary>
internal sealed record EvalSummary(
    int Asked,
    int Failed,
    IReadOnlyDictionary<int, double> HitAt,
    double MeanReciprocalRank,
    double ExactMatch,
    double F1,
    double MeanPromptPassages,
    bool ForgedModels)
{
    public static EvalSummary From(IReadOnlyList<QuestionResult> results, int failed, IReadOnlyList<int> cutoffs, bool forged)
    {
        double Mean(Func<QuestionResult, double> value) => results.Count == 0 ? 0 : results.Average(value);
        return new EvalSummary(results.Count, failed,
            cutoffs.ToDictionary(k => k, k => Mean(r => r.Rank is { } rank && rank <= k ? 1 : 0)),
            Mean(r => r.Rank is { } rank ? 1.0 / rank : 0),
            Mean(r => r.ExactMatch), Mean(r => r.F1), Mean(r => r.PromptPassages), forged);
    }

    public void Print(CliConsoles consoles, bool json)
    {
        if (json)
        {
            consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new
            {
                questions = Asked,
                failed = Failed,
                hitAt = HitAt.ToDictionary(h => h.Key.ToString(CultureInfo.InvariantCulture), h => h.Value),
                mrr = MeanReciprocalRank,
                exactMatch = ExactMatch,
                f1 = F1,
                meanPromptPassages = MeanPromptPassages,
                forgedModels = ForgedModels,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value");
        table.AddRow("questions asked", Asked.ToString(CultureInfo.InvariantCulture));
        foreach (var (k, rate) in HitAt)
        {
            table.AddRow($"retrieval hit@{k}", Percent(rate));
        }

        table.AddRow("retrieval MRR", MeanReciprocalRank.ToString("0.000", CultureInfo.InvariantCulture));
        table.AddRow("answer exact match", Percent(ExactMatch));
        table.AddRow("answer F1", Percent(F1));
        table.AddRow("passages per answer", MeanPromptPassages.ToString("0.0", CultureInfo.InvariantCulture));
        if (Failed > 0)
        {
            table.AddRow("[red]questions that failed[/]", Failed.ToString(CultureInfo.InvariantCulture));
        }

        consoles.Out.Write(table);
        if (HitAt.Keys.Where(k => k > MeanPromptPassages).ToList() is { Count: > 0 } beyond && Asked > 0)
        {
            consoles.Info($"hit@{string.Join(", hit@", beyond)} can only count the passages that fit the generator's prompt "
                + $"({MeanPromptPassages:0.0} on average), so they understate retrieval at that depth.");
        }
    }

    private static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
