using System.Text.Json;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Evaluation;

/// <summary>Reads SQuAD's layout: data[] of articles {title, paragraphs[] of {context, qas[] of {id, question, is_impossible?, answers[] of {text}}}}.</summary>
internal sealed class SquadFile : ISquadSource
{
    public async Task<SquadSet> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"'{path}' does not exist.");
        }

        await using var stream = File.OpenRead(path);
        try
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw CliException.Usage($"'{path}' is not a SQuAD file: {ex.Message}", "Expected SQuAD 1.1 or 2.0 JSON (data[].paragraphs[].qas[]).");
        }
    }

    /// <exception cref="InvalidOperationException">An element has the wrong JSON type.</exception>
    /// <exception cref="KeyNotFoundException">A required property is missing.</exception>
    internal static SquadSet Read(JsonElement root)
    {
        var paragraphs = new List<SquadParagraph>();
        var questions = new List<SquadQuestion>();
        var unanswerable = 0;
        var articles = root.GetProperty("data");
        for (var a = 0; a < articles.GetArrayLength(); a++)
        {
            var article = articles[a];
            var title = article.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            var contexts = article.GetProperty("paragraphs");
            for (var p = 0; p < contexts.GetArrayLength(); p++)
            {
                var paragraph = new SquadParagraph(a, p, title, contexts[p].GetProperty("context").GetString() ?? "");
                paragraphs.Add(paragraph);
                foreach (var qa in contexts[p].GetProperty("qas").EnumerateArray())
                {
                    var answers = qa.TryGetProperty("answers", out var list)
                        ? list.EnumerateArray().Select(x => x.GetProperty("text").GetString() ?? "").Where(x => x.Length > 0).ToList()
                        : [];
                    var impossible = qa.TryGetProperty("is_impossible", out var flag) && flag.GetBoolean();
                    if (impossible || answers.Count == 0)
                    {
                        unanswerable++;
                        continue;
                    }

                    questions.Add(new SquadQuestion(qa.GetProperty("id").GetString() ?? "", qa.GetProperty("question").GetString() ?? "", paragraph, answers));
                }
            }
        }

        return new SquadSet(paragraphs, questions, unanswerable);
    }
}
