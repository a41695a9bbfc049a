using RagPlatform.Tokenizers.Tests.Infrastructure;

namespace RagPlatform.Tokenizers.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(ModelsCollection.Name)]
public sealed class TruncationTests(ModelsFixture models)
{
    private ITokenizer Bert => models.CrossEncoder;

    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));

    [Fact]
    public void Encode_MaxLength_CountsSpecialTokensAndReportsOverflow()
    {
        var encoding = Bert.Encode(Words("ab", 20), maxLength: 10);

        Assert.Equal(10, encoding.Length);
        Assert.Equal(102, encoding.Ids[^1]);
        Assert.Equal(12, encoding.OverflowCount);
        Assert.True(encoding.Truncated);
    }

    [Theory]
    // Shorter kept whole, longer takes the cut.
    [InlineData(100, 30, 95, 30)]
    [InlineData(30, 100, 30, 95)]
    // Both cut: the longer keeps the odd token, the second on a tie...
    [InlineData(200, 100, 63, 62)]
    [InlineData(100, 200, 62, 63)]
    [InlineData(70, 70, 62, 63)]
    // ...where "longer" is judged after each was cut at max_length (tokenizers 0.23).
    [InlineData(400, 150, 62, 63)]
    [InlineData(200, 127, 63, 62)]
    public void EncodePair_LongestFirst_SplitsTheBudgetLikeTokenizers(int first, int second, int keptFirst, int keptSecond)
    {
        var encoding = Bert.EncodePair(Words("ab", first), Words("cd", second), TruncationStrategy.LongestFirst, maxLength: 128);

        Assert.Equal(128, encoding.Length);
        Assert.Equal(keptFirst, encoding.SequenceIds.Count(s => s == 0));
        Assert.Equal(keptSecond, encoding.SequenceIds.Count(s => s == 1));
        Assert.Equal(first + second - keptFirst - keptSecond, encoding.OverflowCount);
        Assert.Equal([102, 102], encoding.Ids.Where((_, i) => encoding.SequenceIds[i] == -1).Skip(1));
    }

    [Fact]
    public void EncodePair_OnlySecond_KeepsTheQueryAndCutsThePassage()
    {
        var encoding = Bert.EncodePair(Words("ab", 10), Words("cd", 300), TruncationStrategy.OnlySecond, maxLength: 64);

        Assert.Equal(64, encoding.Length);
        Assert.Equal(10, encoding.SequenceIds.Count(s => s == 0));
        Assert.Equal(51, encoding.SequenceIds.Count(s => s == 1));
        Assert.Equal(1, encoding.TypeIds[^1]);
    }

    [Fact]
    public void EncodePair_OnlySecondWithTooLongFirst_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Bert.EncodePair(Words("ab", 100), Words("cd", 10), TruncationStrategy.OnlySecond, maxLength: 64));
    }

    [Fact]
    public void Encode_MaxLengthBelowSpecialTokenCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Bert.EncodePair("a", "b", maxLength: 2));
    }
}
