using System.Text.Json;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>A SQuAD 2.0 dev paragraph uploaded as one document.</summary>
internal sealed record SquadParagraph(string DocumentId, string Text);

/// <summary>An answerable SQuAD question, the document holding its answer and the gold answer texts.</summary>
internal sealed record SquadQuestion(string Question, string GoldDocumentId, IReadOnlyList<string> Answers);

/// <summary>The demo corpus: SQuAD 2.0 dev paragraphs (one document each) and their answerable questions.</summary>
internal sealed record SquadSet(IReadOnlyList<SquadParagraph> Paragraphs, IReadOnlyList<SquadQuestion> Questions)
{
    public static string File => Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json");

    /// <summary>The first <paramref name="maxParagraphs"/> paragraphs (0: all) and the questions about them.</summary>
    public static SquadSet Load(int maxParagraphs)
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(File));
        var paragraphs = new List<SquadParagraph>();
        var questions = new List<SquadQuestion>();
        var article = 0;
        foreach (var entry in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var number = 0;
            foreach (var paragraph in entry.GetProperty("paragraphs").EnumerateArray())
            {
                if (maxParagraphs > 0 && paragraphs.Count == maxParagraphs)
                {
                    return Shuffled(paragraphs, questions);
                }

                var id = $"a{article:D2}-p{number++:D3}.txt";
                paragraphs.Add(new SquadParagraph(id, paragraph.GetProperty("context").GetString()!));
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    if (!(qa.TryGetProperty("is_impossible", out var impossible) && impossible.GetBoolean()))
                    {
                        questions.Add(new SquadQuestion(qa.GetProperty("question").GetString()!, id,
                            [.. qa.GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("text").GetString()!)]));
                    }
                }
            }

            article++;
        }

        return Shuffled(paragraphs, questions);
    }

    /// <summary>Questions in a fixed pseudo-random order, so consecutive asks are not about the same paragraph.</summary>
    private static SquadSet Shuffled(List<SquadParagraph> paragraphs, List<SquadQuestion> questions)
    {
        var order = questions.ToArray();
        new Random(20240601).Shuffle(order);
        return new SquadSet(paragraphs, order);
    }
}
