using System.Text.Json;

namespace RagPlatform.EndToEnd.Tests;

/// <summary>A SQuAD 2.0 dev paragraph as a document, and an answerable question about one.</summary>
public sealed record SquadParagraph(string DocumentId, string Text);

public sealed record SquadQuestion(string Question, string GoldDocumentId);

/// <summary>The SQuAD 2.0 dev set from the shared folder: 646 paragraphs (one document each) and the answerable questions.</summary>
public static class SquadCorpus
{
    public static string File => Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json");

    public static (IReadOnlyList<SquadParagraph> Paragraphs, IReadOnlyList<SquadQuestion> Questions) Load()
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(File));
        var paragraphs = new List<SquadParagraph>();
        var questions = new List<SquadQuestion>();
        var articleNumber = 0;
        foreach (var article in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var paragraphNumber = 0;
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                var id = $"a{articleNumber:D2}-p{paragraphNumber++:D3}.txt";
                paragraphs.Add(new SquadParagraph(id, paragraph.GetProperty("context").GetString()!));
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    if (!(qa.TryGetProperty("is_impossible", out var impossible) && impossible.GetBoolean()))
                    {
                        questions.Add(new SquadQuestion(qa.GetProperty("question").GetString()!, id));
                    }
                }
            }

            articleNumber++;
        }

        return (paragraphs, questions);
    }
}
