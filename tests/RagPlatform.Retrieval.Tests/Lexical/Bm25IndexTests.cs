using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval.Tests.Lexical;

[Trait("Category", "Unit")]
public sealed class Bm25IndexTests
{
    // Three documents over pre-analysed terms: N = 3, average length (3 + 2 + 4) / 3 = 3, k1 = 1.2, b = 0.75.
    private static Bm25Index Corpus()
    {
        var index = new Bm25Index(new Bm25Parameters());
        index.Add(0, ["a", "b", "a"]);
        index.Add(1, ["b", "c"]);
        index.Add(2, ["c", "d", "e", "f"]);
        return index;
    }

    [Fact]
    public void Search_ScoresMatchAHandComputation()
    {
        var hits = Corpus().Search(["a", "c", "zzz"], 10, accept: null);

        // idf(a) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)); tf(a, d0) = 2 in a document of average length.
        var d0 = Math.Log(1 + (2.5 / 1.5)) * (2 * 2.2 / (2 + 1.2));
        // idf(c) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)); d1 has length 2, d2 length 4.
        var d1 = Math.Log(1 + (1.5 / 2.5)) * (2.2 / (1 + (1.2 * (0.25 + (0.75 * 2.0 / 3)))));
        var d2 = Math.Log(1 + (1.5 / 2.5)) * (2.2 / (1 + (1.2 * (0.25 + (0.75 * 4.0 / 3)))));
        Assert.Equal([0, 1, 2], hits.Select(h => h.Slot));
        Assert.Equal(d0, hits[0].Score, 5);
        Assert.Equal(d1, hits[1].Score, 5);
        Assert.Equal(d2, hits[2].Score, 5);
    }

    [Fact]
    public void Remove_UpdatesDocumentCountsLengthsAndFrequencies()
    {
        var index = Corpus();

        index.Remove(0, ["a", "b", "a"]);
        var hits = index.Search(["c", "a"], 10, accept: null);

        // N = 2, average length (2 + 4) / 2 = 3, df(c) = 2; "a" no longer occurs anywhere.
        Assert.Equal([1, 2], hits.Select(h => h.Slot));
        Assert.Equal(Math.Log(1 + (0.5 / 2.5)) * (2.2 / 1.9), hits[0].Score, 5);
        Assert.Equal(2, index.LiveDocuments);
    }

    [Fact]
    public void Search_HonoursLimitAndAcceptance()
    {
        var index = Corpus();

        Assert.Equal([1], index.Search(["b", "c"], 1, accept: null).Select(h => h.Slot));
        Assert.Equal([2], index.Search(["c"], 10, accept: slot => slot != 1).Select(h => h.Slot));
    }

    [Fact]
    public void Parameters_OutOfRange_AreRejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => new EmbeddedIndexOptions { RootDirectory = "x", Bm25 = new Bm25Parameters(B: 1.5) }.Validate());
        Assert.ThrowsAny<ArgumentException>(() => new EmbeddedIndexOptions { RootDirectory = "x", Bm25 = new Bm25Parameters(K1: -1) }.Validate());
    }
}
