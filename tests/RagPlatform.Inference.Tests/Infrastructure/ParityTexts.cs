using System.Text.Json;

namespace RagPlatform.Inference.Tests.Infrastructure;

/// <summary>Real text from SQuAD 2.0 dev (questions and their paragraphs) plus edge cases, in a fixed order.</summary>
internal static class ParityTexts
{
    private static readonly Lazy<(string[] Questions, string[] Paragraphs, int[] QuestionParagraph)> Squad = new(Read);

    public static IReadOnlyList<string> Questions => Squad.Value.Questions;

    public static IReadOnlyList<string> Paragraphs => Squad.Value.Paragraphs;

    /// <summary>Index into <see cref="Paragraphs"/> of the paragraph each question was asked about.</summary>
    public static IReadOnlyList<int> QuestionParagraph => Squad.Value.QuestionParagraph;

    /// <summary>Several paragraphs joined: well past 512 WordPiece tokens.</summary>
    public static string Long(int start) => string.Join(" ", Enumerable.Range(start, 6).Select(i => Paragraphs[i % Paragraphs.Count]));

    public static IReadOnlyList<string> EdgeCases { get; } =
    [
        "",
        " ",
        "a",
        "?!",
        "Hello, World!",
        "UPPER lower MiXeD",
        "naïve café résumé Ångström",
        "東京は日本の首都です。",
        "Emoji 🙂 and symbols ∑ ∞ ≠",
        "1234567890 3.14159 1e-10",
        "tab\tseparated\nnew line",
        "unbelievably antidisestablishmentarianism supercalifragilistic",
    ];

    private static (string[], string[], int[]) Read()
    {
        var file = Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var questions = new List<string>();
        var paragraphs = new List<string>();
        var owner = new List<int>();
        foreach (var article in document.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray().Take(2))
            {
                paragraphs.Add(paragraph.GetProperty("context").GetString()!);
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray().Take(2))
                {
                    questions.Add(qa.GetProperty("question").GetString()!);
                    owner.Add(paragraphs.Count - 1);
                }

                if (paragraphs.Count == 20)
                {
                    return (questions.ToArray(), paragraphs.ToArray(), owner.ToArray());
                }
            }
        }

        return (questions.ToArray(), paragraphs.ToArray(), owner.ToArray());
    }
}
