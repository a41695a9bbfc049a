using System.Text.Json;

namespace RagPlatform.Evaluation.Squad;

/// <summary>One context paragraph of a SQuAD article.</summary>
/// <param name="Id">"{article title}/{paragraph index in the article}": stable while the article keeps its paragraphs.</param>
public sealed record SquadParagraph(string Id, string ArticleTitle, string Text);

/// <summary>An answerable question, the paragraph it was written about and its gold answer texts (as given, duplicates kept).</summary>
public sealed record SquadQuestion(string Id, string Text, string ParagraphId, IReadOnlyList<string> Answers);

/// <summary>
/// A SQuAD 1.1 or 2.0 file as retrieval sees it: every paragraph, and the answerable questions with their gold
/// paragraph. SQuAD 2.0's unanswerable questions have no paragraph that answers them, so they are only counted.
/// </summary>
public sealed record SquadDataset(
    string Version,
    IReadOnlyList<SquadParagraph> Paragraphs,
    IReadOnlyList<SquadQuestion> Questions,
    int UnanswerableQuestions)
{
    /// <exception cref="InvalidDataException">The file is not in the SQuAD layout.</exception>
    public static async Task<SquadDataset> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="InvalidDataException">The stream is not JSON in the SQuAD layout.</exception>
    public static async Task<SquadDataset> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a SQuAD file: {e.Message}", e);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static SquadDataset Read(JsonElement root)
    {
        var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var paragraphs = new List<SquadParagraph>();
        var questions = new List<SquadQuestion>();
        var unanswerable = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var article in Array(root, "data", "the file"))
        {
            var title = String(article, "title", "an article");
            var index = 0;
            foreach (var paragraph in Array(article, "paragraphs", $"article '{title}'"))
            {
                var id = $"{title}/{index++}";
                if (!ids.Add(id))
                {
                    // Two articles with one title would make ids that no longer say which paragraph they mean.
                    throw new InvalidDataException($"Article title '{title}' appears twice, so paragraph id '{id}' is ambiguous.");
                }

                paragraphs.Add(new SquadParagraph(id, title, String(paragraph, "context", $"paragraph {id}")));
                foreach (var qa in Array(paragraph, "qas", $"paragraph {id}"))
                {
                    var answers = Array(qa, "answers", $"a question of paragraph {id}")
                        .Select(a => String(a, "text", $"an answer in paragraph {id}"))
                        .ToArray();
                    var impossible = qa.TryGetProperty("is_impossible", out var flag) && flag.ValueKind == JsonValueKind.True;
                    if (impossible || answers.Length == 0)
                    {
                        unanswerable++;
                        continue;
                    }

                    questions.Add(new SquadQuestion(String(qa, "id", $"a question of paragraph {id}"),
                        String(qa, "question", $"a question of paragraph {id}"), id, answers));
                }
            }
        }

        return new SquadDataset(version, paragraphs, questions, unanswerable);
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement parent, string name, string where) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new InvalidDataException($"Not a SQuAD file: {where} has no '{name}' array.");

    private static string String(JsonElement parent, string name, string where) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"Not a SQuAD file: {where} has no '{name}' string.");
}
