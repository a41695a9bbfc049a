using System.Text.Json;
using RagPlatform.Retrieval.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Retrieval.Tests.Lexical;

/// <summary>
/// Lexical retrieval quality on real questions: every SQuAD 2.0 dev paragraph is a point, every answerable
/// question a query, and the paragraph it was written about the one relevant answer.
/// </summary>
[Trait("Category", "Parity")]
public sealed class SquadLexicalRecallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LexicalSearch_SquadDevQuestions_FindTheirParagraphInTopFive()
    {
        using var root = new TempDirectory();
        await using var index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = root.Path }).Bounded();
        await index.CreateCollectionAsync(new CollectionSpec("squad", 1)).Bounded();
        var (paragraphs, questions) = LoadSquad();
        foreach (var chunk in paragraphs.Chunk(500))
        {
            await index.UpsertAsync("squad", [.. chunk.Select(p => new IndexPoint { Id = p.Id, Vector = [1f], Text = p.Text })]).Bounded();
        }

        var found = 0;
        foreach (var (question, gold) in questions)
        {
            var hits = await index.SearchAsync("squad", new SearchRequest { Mode = SearchMode.Lexical, Text = question, Limit = 5 }).Bounded();
            found += hits.Any(h => h.Id == gold) ? 1 : 0;
        }

        var recall = (double)found / questions.Count;
        output.WriteLine($"SQuAD dev lexical recall@5 = {recall:F4} ({found}/{questions.Count} questions, {paragraphs.Count} paragraphs)");
        Assert.True(recall >= 0.80, $"recall@5 {recall:F4} is below 0.80");
    }

    private static (List<(string Id, string Text)> Paragraphs, List<(string Question, string Gold)> Questions) LoadSquad()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedFiles.SquadDev));
        var paragraphs = new List<(string, string)>();
        var questions = new List<(string, string)>();
        var articleNumber = 0;
        foreach (var article in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var paragraphNumber = 0;
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                var id = $"a{articleNumber}-p{paragraphNumber++}";
                paragraphs.Add((id, paragraph.GetProperty("context").GetString()!));
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    if (!(qa.TryGetProperty("is_impossible", out var impossible) && impossible.GetBoolean()))
                    {
                        questions.Add((qa.GetProperty("question").GetString()!, id));
                    }
                }
            }

            articleNumber++;
        }

        return (paragraphs, questions);
    }
}
