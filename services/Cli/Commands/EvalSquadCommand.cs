using System.CommandLine;
using System.Text;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Gateway;
using RagPlatform.Client;
using RagPlatform.Cli.Ingestion;

namespace RagPlatform.Cli.Commands;

internal sealed record EvalSquadOptions(string File, string Collection, int Limit, IReadOnlyList<int> Cutoffs, bool Ingest, string Mode, int MaxTokens, bool Json, TimeSpan Timeout);

/// <summary>
/// `rag eval squad FILE`: SQuAD through the gateway. With --ingest, each paragraph becomes its own document
/// (squad-&lt;article&gt;-&lt;paragraph&gt;). Each answerable question (up to --limit) is asked; retrieval scores whether the gold
/// paragraph's document is among the answer's passages and at which rank; the answer is scored by exact match and F1.
/// </summary>
internal sealed class EvalSquadCommand(CliContext context, ISquadSource source, IQaMetrics metrics)
{
    /// <summary>The most passages one answer can carry (the orchestrator's top_n limit), so the deepest hit@k measurable.</summary>
    internal const int MaxCutoff = 20;
    private readonly Argument<string> _file = new("file") { Description = "SQuAD 1.1 or 2.0 JSON file (e.g. ../shared/data/squad-v2/dev-v2.0.json)." };
    private readonly Option<string> _collection = CollectionOption.Create(required: false, defaultName: "squad");
    private readonly Option<int> _limit = new Option<int>("--limit") { Description = "Answerable questions to ask, in file order.", DefaultValueFactory = _ => 100 }.Positive();
    private readonly Option<IReadOnlyList<int>> _cutoffs = new("--k")
    {
        Description = $"Cutoffs for hit@k, comma-separated (each 1-{MaxCutoff}).",
        CustomParser = result => OptionValues.ParseCutoffs(result, MaxCutoff),
        DefaultValueFactory = _ => [1, 5, 20],
    };

    private readonly Option<bool> _ingest = new("--ingest") { Description = "First ingest every paragraph as its own document (creates the collection)." };
    private readonly Option<string> _mode = new Option<string>("--mode") { Description = "Retrieval mode: hybrid, dense or lexical.", DefaultValueFactory = _ => "hybrid" }.AcceptOnlyFromAmong([.. AskCommand.Modes]);
    private readonly Option<int> _maxTokens = new Option<int>("--max-tokens") { Description = "Answer tokens per question (SQuAD answers are short).", DefaultValueFactory = _ => 32 }.Positive();
    private readonly Option<bool> _json = new("--json") { Description = "Print the scores as JSON." };
    private readonly Option<int> _timeout = new Option<int>("--timeout") { Description = "Seconds per question; with --ingest, also the bound on indexing (x10).", DefaultValueFactory = _ => 120 }.Positive();

    public Command Build()
    {
        var command = new Command("squad", "Evaluate retrieval (hit@k, MRR) and answers (exact match, F1) on a SQuAD file through the gateway.")
        {
            _file, _collection, _limit, _cutoffs, _ingest, _mode, _maxTokens, _json, _timeout,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), context.Globals.Resolve(result, context.Environment), cancellationToken));
        return command;
    }

    internal EvalSquadOptions Bind(ParseResult result) => new(result.GetValue(_file)!, result.GetValue(_collection)!, result.GetValue(_limit),
        result.GetValue(_cutoffs)!, result.GetValue(_ingest), result.GetValue(_mode)!, result.GetValue(_maxTokens), result.GetValue(_json),
        TimeSpan.FromSeconds(result.GetValue(_timeout)));

    internal async Task<int> RunAsync(EvalSquadOptions options, GatewayTarget target, CancellationToken cancellationToken)
    {
        var consoles = context.Consoles;
        var set = await source.LoadAsync(context.Environment.FullPath(options.File), cancellationToken);
        var questions = set.Questions.Take(options.Limit).ToList();
        consoles.Info($"SQuAD: {set.Paragraphs.Count} paragraphs, {set.Questions.Count} answerable questions ({set.Unanswerable} unanswerable not asked); asking {questions.Count}.");
        using var gateway = new GatewayCalls(target, options.Timeout, context.HttpHandler());
        if (options.Ingest)
        {
            await IngestAsync(gateway, options, set.Paragraphs, cancellationToken);
        }
        else if (await gateway.FindCollectionAsync(options.Collection, cancellationToken) is null)
        {
            throw CliException.Failed($"The collection '{options.Collection}' does not exist.", "Pass --ingest to ingest the paragraphs first.");
        }

        var results = new List<QuestionResult>();
        var failures = new List<string>();
        var forged = false;
        var view = new EvalView(consoles, questions.Count);
        await view.RunAsync(async () =>
        {
            foreach (var question in questions)
            {
                try
                {
                    var answer = await gateway.AskAsync(Request(options, question), cancellationToken);
                    forged |= answer.ForgedModels;
                    var ranking = answer.Citations.OrderBy(c => c.N).Select(c => c.DocumentId);
                    results.Add(new QuestionResult(question.Id, metrics.RankOf(ranking, question.Paragraph.DocumentId),
                        metrics.ExactMatch(answer.Answer, [.. question.Answers]), metrics.F1(answer.Answer, [.. question.Answers]), answer.Usage.PromptPassages));
                }
                catch (CliException ex) when (ex.ExitCode == ExitCodes.Failed)
                {
                    // One question failing (a timeout, a 503) is recorded; a refused key or a gone gateway stops the run.
                    failures.Add($"{question.Id}: {ex.Message}");
                }

                view.Asked(results.Count, failures.Count);
            }
        });

        var summary = EvalSummary.From(results, failures.Count, options.Cutoffs, forged);
        summary.Print(consoles, options.Json);
        foreach (var failure in failures.Take(5))
        {
            consoles.Warn(failure);
        }

        if (forged)
        {
            ForgedModels.Warn(consoles);
        }

        return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static AskRequest Request(EvalSquadOptions options, SquadQuestion question) => new(options.Collection, question.Text)
    {
        Mode = options.Mode,
        TopK = Math.Max(20, options.Cutoffs[^1]),
        TopN = options.Cutoffs[^1],
        MaxTokens = options.MaxTokens,
        TimeoutSeconds = options.Timeout.TotalSeconds,
    };

    private async Task IngestAsync(GatewayCalls gateway, EvalSquadOptions options, IReadOnlyList<SquadParagraph> paragraphs, CancellationToken cancellationToken)
    {
        await IngestCommand.EnsureCollectionAsync(gateway, options.Collection, create: true, cancellationToken);
        context.Consoles.Info($"Ingesting {paragraphs.Count} paragraphs into '{options.Collection}' ...");
        var items = paragraphs.Select(p => new UploadItem(p.DocumentId, p.DocumentId + ".txt", $"{p.Title} ¶{p.Index}",
            _ => Task.FromResult(Encoding.UTF8.GetBytes(p.Text)))).ToList();
        var view = new IngestView(context.Consoles, items.Count);
        IReadOnlyList<UploadOutcome> outcomes = [];
        await view.RunAsync(async () => outcomes = await new DocumentUploader(gateway, view).UploadAndWaitAsync(
            options.Collection, items, options.Timeout * 10, cancellationToken));
        if (IngestCommand.Report(context.Consoles, outcomes) != ExitCodes.Success)
        {
            throw CliException.Failed("Some paragraphs did not index, so retrieval scores would be wrong; see the table above.");
        }
    }
}
