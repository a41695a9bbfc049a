using System.Globalization;
using System.Text.RegularExpressions;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Client;
using Spectre.Console;

namespace RagPlatform.Cli.Gateway;

/// <summary>
/// Renders an answer for a person: the text as it streams (written raw, exactly as generated), then the citations
/// in prompt order with the cited ones marked, the timings, how the answer was made, skipped stages, and warnings for
/// degraded stages and forged models.
/// </summary>
internal sealed partial class AnswerPrinter(CliConsoles consoles)
{
    private const int SnippetLength = 100;
    private bool _endsWithNewline = true;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Writes a piece of the answer as soon as it arrives.</summary>
    public void Token(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        // Raw, not through Spectre: generated text is not markup and must not be re-wrapped.
        var writer = consoles.Out.Profile.Out.Writer;
        writer.Write(text);
        writer.Flush();
        _endsWithNewline = text.EndsWith('\n');
    }

    /// <summary>Ends the answer's line (before an error or the citations).</summary>
    public void EndAnswer()
    {
        if (!_endsWithNewline)
        {
            consoles.Out.WriteLine();
            _endsWithNewline = true;
        }
    }

    public void Finish(IReadOnlyList<CitationResource> citations, AnswerDone done)
    {
        EndAnswer();
        var output = consoles.Out;
        output.WriteLine();
        if (citations.Count == 0)
        {
            output.MarkupLine("[grey]No passages were cited.[/]");
        }
        else
        {
            output.MarkupLine($"[bold]Citations[/] [grey]({citations.Count(c => c.Referenced)} cited of {citations.Count} passages given; * = cited)[/]");
            var table = new Table().Border(TableBorder.Simple).AddColumns("", "n", "document", "section", "offsets", "snippet");
            foreach (var citation in citations.OrderBy(c => c.N))
            {
                table.AddRow(
                    citation.Referenced ? "[green]*[/]" : "",
                    $"[{citation.N}]".Replace("[", "[[", StringComparison.Ordinal).Replace("]", "]]", StringComparison.Ordinal),
                    Markup.Escape(citation.DocumentId),
                    Markup.Escape(citation.Section.Length > 0 ? citation.Section : citation.Title ?? ""),
                    string.Create(CultureInfo.InvariantCulture, $"{citation.Start}-{citation.End}"),
                    Markup.Escape(Snippet(citation.Text)));
            }

            output.Write(table);
        }

        var t = done.Timings;
        output.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"retrieve {t.RetrieveMs:0} ms · rerank {t.RerankMs:0} ms · generate {t.GenerateMs:0} ms · first token {t.FirstTokenMs:0} ms · total {t.TotalMs:0} ms")));
        output.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"passages: {done.Usage.RetrievedPassages} retrieved, {done.Usage.PromptPassages} in the prompt · tokens: {done.Usage.PromptTokens} prompt, {done.Usage.CompletionTokens} answer")));
        if (done.AnswerKind == AnswerKinds.Extractive)
        {
            consoles.Info("Extractive answer: each sentence is quoted verbatim from the passage it cites.");
        }

        if (done.FinishReason == FinishReasons.Length && done.AnswerKind != AnswerKinds.Extractive)
        {
            consoles.Info("The answer stopped at the token limit (--max-tokens).");
        }

        if (done.NoAnswer)
        {
            consoles.Info("Nothing relevant was found in the collection, so no answer was generated.");
        }

        WarnDegraded(consoles, done.Degraded);
        NoteSkipped(consoles, done.Skipped);
        if (done.ForgedModels)
        {
            ForgedModels.Warn(consoles);
        }
    }

    public static void WarnDegraded(CliConsoles consoles, IReadOnlyList<string> degraded)
    {
        foreach (var stage in degraded)
        {
            consoles.Warn($"degraded: {stage} — " + stage switch
            {
                "rerank" => "the reranker was unavailable; passages are in retrieval order.",
                "embed" => "the embedder was unavailable; retrieval used lexical (BM25) matching only.",
                _ => "this stage was skipped; the answer may be worse than usual.",
            });
        }
    }

    /// <summary>Stages left out on purpose (unlike degraded ones, nothing failed): said plainly, with the server's reason.</summary>
    public static void NoteSkipped(CliConsoles consoles, IReadOnlyList<SkippedStage> skipped)
    {
        foreach (var stage in skipped)
        {
            consoles.Info($"skipped: {stage.Stage} — {stage.Reason}");
        }
    }

    public static string Snippet(string text)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        return flat.Length <= SnippetLength ? flat : flat[..SnippetLength].TrimEnd() + "…";
    }
}
