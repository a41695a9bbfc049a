using RagPlatform.Tokenizers.Tests.Infrastructure;

namespace RagPlatform.Tokenizers.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(ModelsCollection.Name)]
public sealed class WordPieceTokenizerTests(ModelsFixture models)
{
    private ITokenizer MiniLm => models.MiniLm;

    [Fact]
    public void Encode_Sentence_AddsClsAndSepAroundLowercasedPieces()
    {
        var encoding = MiniLm.Encode("Hello, World!");

        Assert.Equal([101, 7592, 1010, 2088, 999, 102], encoding.Ids);
        Assert.Equal([0, 0, 0, 0, 0, 0], encoding.TypeIds);
        Assert.Equal([-1, 0, 0, 0, 0, -1], encoding.SequenceIds);
        Assert.False(encoding.Truncated);
    }

    [Fact]
    public void Encode_AccentedAndUnknownWords_OffsetsPointIntoTheOriginalText()
    {
        const string text = "Crème brûlée tokenization";
        var encoding = MiniLm.Encode(text, addSpecialTokens: false);

        var pieces = encoding.Ids.Select(id => MiniLm.IdToToken(id)).ToList();
        var spans = encoding.Offsets.Select(o => text[o.Start..o.End]).ToList();

        Assert.Equal(["cr", "##eme", "br", "##ule", "##e", "token", "##ization"], pieces);
        Assert.Equal(["Cr", "ème", "br", "ûlé", "e", "token", "ization"], spans);
    }

    [Fact]
    public void Encode_WordLongerThan100Characters_BecomesOneUnknownToken()
    {
        var word = new string('x', 101);

        var encoding = MiniLm.Encode("a " + word + " b", addSpecialTokens: false);

        Assert.Equal([MiniLm.TokenToId("a")!.Value, MiniLm.SpecialTokens.Unk!.Value, MiniLm.TokenToId("b")!.Value], encoding.Ids);
        Assert.Equal(new TokenOffset(2, 103), encoding.Offsets[1]);
    }

    [Fact]
    public void Encode_SpecialTokenInText_IsKeptWholeAndCaseSensitive()
    {
        var encoding = MiniLm.Encode("a [SEP] b [sep]", addSpecialTokens: false);

        Assert.Equal(102, encoding.Ids[1]);
        Assert.Equal(new TokenOffset(2, 7), encoding.Offsets[1]);
        Assert.DoesNotContain(102, encoding.Ids.Skip(2));
    }

    /// <summary>
    /// The inputs services/RagPlatform.Tokenizers/README.md gives for each place Microsoft.ML.Tokenizers' BertTokenizer
    /// fails parity, with the pieces transformers.js produces (checked against tests/node/transformers/tokenize.mjs).
    /// </summary>
    [Theory]
    [InlineData("Fécamp", "fe ##camp")]
    [InlineData("한국어", "ᄒ ##ᅡ ##ᆫ ##ᄀ ##ᅮ ##ᆨ ##ᄋ ##ᅥ")]
    [InlineData("tab\tsep line\nbreak", "tab sep line break")]
    [InlineData("zero\u200Bwidth", "zero ##wi ##dt ##h")]
    [InlineData("ΟΔΟΣ İstanbul", "ο ##δ ##ος istanbul")]
    [InlineData("[cls]", "[ cl ##s ]")]
    [InlineData("T(n)=8n2 + 16n", "t ( n ) = 8 ##n ##2 + 16 ##n")]
    [InlineData("$5.11 at 565 °C", "$ 5 . 11 at 56 ##5 °c")]
    [InlineData("x² a_b", "x ##² a _ b")]
    [InlineData("𠀀𠀁 rare", "[UNK] rare")]
    public void Encode_WherePackageBertTokenizerDiffers_MatchesHuggingFace(string text, string expected)
    {
        var pieces = MiniLm.Encode(text, addSpecialTokens: false).Ids.Select(id => MiniLm.IdToToken(id));

        Assert.Equal(expected, string.Join(' ', pieces));
    }

    [Fact]
    public void Decode_Ids_JoinsPiecesAndCleansUpSpacing()
    {
        var ids = MiniLm.Encode("It's a test, isn't it? Tokenization!").Ids.ToArray();

        Assert.Equal("[CLS] it's a test, isn't it? tokenization! [SEP]", MiniLm.Decode(ids));
        Assert.Equal("it's a test, isn't it? tokenization!", MiniLm.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Encode_ConcurrentCallers_GetTheSameIdsAsSequential()
    {
        var texts = ParityCorpus.Texts().Take(2000).ToList();
        var sequential = texts.Select(t => MiniLm.Encode(t).Ids.ToArray()).ToList();
        var qwenSequential = texts.Select(t => models.QwenFromVocabFiles.Encode(t).Ids.ToArray()).ToList();

        var parallel = new int[texts.Count][];
        var qwenParallel = new int[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            parallel[i] = MiniLm.Encode(texts[i]).Ids.ToArray();
            qwenParallel[i] = models.QwenFromVocabFiles.Encode(texts[i]).Ids.ToArray();
        });

        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
            Assert.Equal(qwenSequential[i], qwenParallel[i]);
        }
    }
}
