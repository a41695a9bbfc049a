using RagPlatform.Evaluation.Metrics;
using RagPlatform.Evaluation.Squad;
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
        var squad = await SquadDataset.LoadAsync(SharedFiles.SquadDev).Bounded();
        foreach (var chunk in squad.Paragraphs.Chunk(500))
        {
            await index.UpsertAsync("squad", [.. chunk.Select(p => new IndexPoint { Id = p.Id, Vector = [1f], Text = p.Text })]).Bounded();
        }

        var evaluation = new RetrievalEvaluation([5]);
        foreach (var question in squad.Questions)
        {
            var hits = await index.SearchAsync("squad", new SearchRequest { Mode = SearchMode.Lexical, Text = question.Text, Limit = 5 }).Bounded();
            evaluation.Add(hits.Select(h => h.Id), question.ParagraphId);
        }

        var recall = evaluation.Scores.HitAt(5);
        output.WriteLine($"SQuAD dev lexical recall@5 = {recall:F4} ({squad.Questions.Count} questions, {squad.Paragraphs.Count} paragraphs)");
        Assert.True(recall >= 0.80, $"recall@5 {recall:F4} is below 0.80");
    }
}
