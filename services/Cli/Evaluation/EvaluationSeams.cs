namespace RagPlatform.Cli.Evaluation;

// The seams `rag eval squad` is written against, implemented over RagPlatform.Evaluation (EvaluationLibrary.cs):
// the command stays testable with scripted data, and the scoring is the one the benchmarks use.

/// <summary>One SQuAD context paragraph, ingested as its own document.</summary>
/// <param name="Article">Index of the article in the file.</param>
/// <param name="Index">Index of the paragraph in its article.</param>
internal sealed record SquadParagraph(int Article, int Index, string Title, string Text)
{
    /// <summary>The document id it is ingested under: stable while the file keeps its order, e.g. "squad-003-012".</summary>
    public string DocumentId => $"squad-{Article:D3}-{Index:D3}";
}

/// <summary>An answerable question, the paragraph it was written about, and its gold answer texts.</summary>
internal sealed record SquadQuestion(string Id, string Text, SquadParagraph Paragraph, IReadOnlyList<string> Answers);

/// <param name="Unanswerable">SQuAD 2.0 questions without an answer: counted, not asked (no paragraph is "the right one").</param>
internal sealed record SquadSet(IReadOnlyList<SquadParagraph> Paragraphs, IReadOnlyList<SquadQuestion> Questions, int Unanswerable);

/// <summary>Reads a SQuAD 1.1 / 2.0 JSON file.</summary>
internal interface ISquadSource
{
    /// <exception cref="CommandLine.CliException">The file is missing or not in the SQuAD layout.</exception>
    Task<SquadSet> LoadAsync(string path, CancellationToken cancellationToken);
}

/// <summary>The metrics of one question.</summary>
internal interface IQaMetrics
{
    /// <summary>1-based rank of <paramref name="relevantId"/> among the distinct ids of <paramref name="ranking"/> (repeats skipped), or null when absent.</summary>
    int? RankOf(IEnumerable<string> ranking, string relevantId);

    /// <summary>1 when the normalised prediction equals a normalised gold answer (official SQuAD normalisation), else 0.</summary>
    double ExactMatch(string prediction, IReadOnlyCollection<string> goldAnswers);

    /// <summary>The best token-overlap F1 between the normalised prediction and any normalised gold answer.</summary>
    double F1(string prediction, IReadOnlyCollection<string> goldAnswers);
}
