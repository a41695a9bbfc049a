using RagPlatform.Cli.CommandLine;
using RagPlatform.Evaluation.Metrics;
using RagPlatform.Evaluation.Squad;

namespace RagPlatform.Cli.Evaluation;

/// <summary>`rag eval squad` reads SQuAD with RagPlatform.Evaluation's reader, numbering paragraphs for document ids.</summary>
internal sealed class SquadDatasetSource : ISquadSource
{
    public async Task<SquadSet> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"'{path}' does not exist.");
        }

        try
        {
            return Convert(await SquadDataset.LoadAsync(path, cancellationToken));
        }
        catch (InvalidDataException ex)
        {
            throw CliException.Usage($"'{path}' is not a SQuAD file: {ex.Message}", "Expected SQuAD 1.1 or 2.0 JSON (data[].paragraphs[].qas[]).");
        }
    }

    /// <summary>
    /// The library names a paragraph "{article title}/{index}"; the gateway needs a safe document id, so paragraphs are
    /// numbered by article (a new article starts at index 0) and index instead.
    /// </summary>
    internal static SquadSet Convert(SquadDataset dataset)
    {
        var paragraphs = new List<SquadParagraph>();
        var byId = new Dictionary<string, SquadParagraph>(StringComparer.Ordinal);
        var article = -1;
        foreach (var paragraph in dataset.Paragraphs)
        {
            var index = int.Parse(paragraph.Id.AsSpan(paragraph.Id.LastIndexOf('/') + 1), provider: null);
            article += index == 0 ? 1 : 0;
            var numbered = new SquadParagraph(article, index, paragraph.ArticleTitle, paragraph.Text);
            paragraphs.Add(numbered);
            byId[paragraph.Id] = numbered;
        }

        var questions = dataset.Questions.Select(q => new SquadQuestion(q.Id, q.Text, byId[q.ParagraphId], [.. q.Answers.Where(a => a.Length > 0)])).ToList();
        return new SquadSet(paragraphs, questions, dataset.UnanswerableQuestions);
    }
}

/// <summary>The official SQuAD scoring and ranks, as RagPlatform.Evaluation computes them.</summary>
internal sealed class SquadScoring : IQaMetrics
{
    public int? RankOf(IEnumerable<string> ranking, string relevantId) => RetrievalEvaluation.RankOf(ranking, relevantId);

    public double ExactMatch(string prediction, IReadOnlyCollection<string> goldAnswers) => AnswerMetrics.ExactMatch(prediction, goldAnswers);

    public double F1(string prediction, IReadOnlyCollection<string> goldAnswers) => AnswerMetrics.F1(prediction, goldAnswers);
}
