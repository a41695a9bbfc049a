using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval.Tests.Lexical;

[Trait("Category", "Unit")]
public sealed class TextAnalyzerTests
{
    private readonly TextAnalyzer _analyzer = new();

    [Fact]
    public void Analyze_LowercasesSplitsDropsStopWordsAndStems()
    {
        Assert.Equal(["cat", "run", "quickli", "école", "über", "cool", "2024"],
            _analyzer.Analyze("The Cats' RUNNING quickly; ÉCOLE über-cool 2024!"));
    }

    [Fact]
    public void Analyze_KeepsNonLatinWordsAndCombiningMarks()
    {
        Assert.Equal(["привет", "мир", "cafe\u0301"], _analyzer.Analyze("Привет, мир — CAFE\u0301"));
    }

    [Fact]
    public void Analyze_DropsOverlongRunsAndEmptyText()
    {
        Assert.Empty(_analyzer.Analyze(new string('x', TextAnalyzer.MaxTermLength + 1)));
        Assert.Empty(_analyzer.Analyze("  ...  "));
        Assert.Empty(_analyzer.Analyze("what is the"));
    }

    // Pairs from Porter's 1980 paper and his published sample vocabulary.
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("troubled", "troubl")]
    [InlineData("sized", "size")]
    [InlineData("hopping", "hop")]
    [InlineData("falling", "fall")]
    [InlineData("hissing", "hiss")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("sky", "sky")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("rational", "ration")]
    [InlineData("digitizer", "digit")]
    [InlineData("vietnamization", "vietnam")]
    [InlineData("predication", "predic")]
    [InlineData("operator", "oper")]
    [InlineData("feudalism", "feudal")]
    [InlineData("decisiveness", "decis")]
    [InlineData("hopefulness", "hope")]
    [InlineData("callousness", "callous")]
    [InlineData("triplicate", "triplic")]
    [InlineData("formative", "form")]
    [InlineData("electrical", "electr")]
    [InlineData("goodness", "good")]
    [InlineData("revival", "reviv")]
    [InlineData("allowance", "allow")]
    [InlineData("inference", "infer")]
    [InlineData("airliner", "airlin")]
    [InlineData("adjustable", "adjust")]
    [InlineData("defensible", "defens")]
    [InlineData("replacement", "replac")]
    [InlineData("adjustment", "adjust")]
    [InlineData("dependent", "depend")]
    [InlineData("adoption", "adopt")]
    [InlineData("communism", "commun")]
    [InlineData("activate", "activ")]
    [InlineData("homologous", "homolog")]
    [InlineData("effective", "effect")]
    [InlineData("bowdlerize", "bowdler")]
    [InlineData("probate", "probat")]
    [InlineData("rate", "rate")]
    [InlineData("cease", "ceas")]
    [InlineData("controlling", "control")]
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    public void PorterStemmer_MatchesPortersExamples(string word, string stem) => Assert.Equal(stem, new PorterStemmer().Stem(word));
}
