using System.CommandLine;
using System.Text.Json;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Client;

namespace RagPlatform.Cli.Commands;

/// <param name="Answer">generative or extractive; null lets the server choose (generative unless its generator is forged).</param>
internal sealed record AskOptions(string Question, string Collection, string Mode, int? TopK, int? TopN, int? MaxTokens, bool Json, TimeSpan Timeout,
    string? Answer = null)
{
    public AskRequest ToRequest() => new(Collection, Question)
    {
        Mode = Mode,
        TopK = TopK,
        TopN = TopN,
        MaxTokens = MaxTokens,
        TimeoutSeconds = Timeout.TotalSeconds,
        Answer = Answer,
    };
}

/// <summary>
/// `rag ask "question" --collection NAME`: streams the answer from the gateway's server-sent events as it is
/// generated, then lists the citations, timings, how the answer was made and the stages degraded or skipped. With
/// --answer extractive|generative the caller chooses how it is made. With --json, prints the JSON answer instead
/// (nothing else on stdout).
/// </summary>
internal sealed class AskCommand(CliContext context)
{
    internal static IReadOnlyList<string> Modes { get; } = ["hybrid", "dense", "lexical"];

    /// <summary>Indented, and non-ASCII text kept readable (the answer is for a person or jq, not for an HTML page).</summary>
    private static readonly RagPlatformJsonContext IndentedJson = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
    private readonly Argument<string> _question = new("question") { Description = "The question to answer from the collection." };
    private readonly Option<string> _collection = CollectionOption.Create(required: true);
    private readonly Option<string> _mode = new Option<string>("--mode") { Description = "Retrieval: hybrid (dense + BM25, default), dense or lexical.", DefaultValueFactory = _ => "hybrid" }.AcceptOnlyFromAmong([.. Modes]);
    private readonly Option<int?> _topK = new Option<int?>("--top-k") { Description = "Candidates retrieved before reranking (1-100; default the server's, 20)." }.InRange(1, 100);
    private readonly Option<int?> _topN = new Option<int?>("--top-n") { Description = "Passages kept after reranking and given to the generator (1-20; default the server's, 5)." }.InRange(1, 20);
    private readonly Option<int?> _maxTokens = new Option<int?>("--max-tokens") { Description = "Upper bound on answer tokens (default the server's)." }.Positive();
    private readonly Option<string?> _answer = new Option<string?>("--answer")
    {
        Description = "extractive (sentences quoted from the passages, fast, nothing the documents do not say) or generative (written by the generator); "
            + "default: the server's choice, generative unless its generator is forged.",
    }.AcceptOnlyFromAmong(AnswerKinds.Extractive, AnswerKinds.Generative);

    private readonly Option<bool> _json = new("--json") { Description = "Print the gateway's JSON answer instead of streaming text." };
    private readonly Option<int> _timeout = new Option<int>("--timeout") { Description = "Seconds the whole answer may take.", DefaultValueFactory = _ => 120 }.Positive();

    public Command Build()
    {
        var command = new Command("ask", "Ask a question; the answer streams in, then its citations are listed.")
        {
            _question, _collection, _mode, _topK, _topN, _maxTokens, _answer, _json, _timeout,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), context.Globals.Resolve(result, context.Environment), cancellationToken));
        return command;
    }

    internal AskOptions Bind(ParseResult result) => new(result.GetValue(_question)!, result.GetValue(_collection)!, result.GetValue(_mode)!,
        result.GetValue(_topK), result.GetValue(_topN), result.GetValue(_maxTokens), result.GetValue(_json), TimeSpan.FromSeconds(result.GetValue(_timeout)),
        result.GetValue(_answer));

    internal async Task<int> RunAsync(AskOptions options, GatewayTarget target, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Question))
        {
            throw CliException.Usage("The question is empty.");
        }

        // The HTTP wait is a little longer than the answer's own budget, so the gateway's timeout (a clear 504) wins.
        var timeout = options.Timeout + TimeSpan.FromSeconds(5);
        using var gateway = new GatewayCalls(target, timeout, context.HttpHandler());
        return options.Json
            ? await PrintJsonAsync(gateway, options, cancellationToken)
            : await StreamAsync(gateway, options, cancellationToken);
    }

    private async Task<int> PrintJsonAsync(GatewayCalls gateway, AskOptions options, CancellationToken cancellationToken)
    {
        var answer = await gateway.AskAsync(options.ToRequest(), cancellationToken);
        context.Consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(answer, IndentedJson.AnswerResource));
        AnswerPrinter.WarnDegraded(context.Consoles, answer.Degraded);
        AnswerPrinter.NoteSkipped(context.Consoles, answer.Skipped);
        if (answer.ForgedModels)
        {
            ForgedModels.Warn(context.Consoles);
        }

        return ExitCodes.Success;
    }

    private async Task<int> StreamAsync(GatewayCalls gateway, AskOptions options, CancellationToken cancellationToken)
    {
        var printer = new AnswerPrinter(context.Consoles);
        IReadOnlyList<CitationResource> citations = [];
        try
        {
            await foreach (var next in gateway.AskStreamAsync(options.ToRequest(), cancellationToken))
            {
                switch (next)
                {
                    case AnswerToken token:
                        printer.Token(token.Text);
                        break;
                    case AnswerCitations cited:
                        citations = cited.Citations;
                        break;
                    case AnswerDone done:
                        printer.Finish(citations, done);
                        return ExitCodes.Success;
                }
            }
        }
        finally
        {
            // Whatever ends the stream, the text printed so far keeps its own line.
            printer.EndAnswer();
        }

        throw CliException.Failed("The answer stream ended before the answer was complete (no `done` event).");
    }
}
