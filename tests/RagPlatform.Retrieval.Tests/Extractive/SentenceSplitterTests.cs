using RagPlatform.Retrieval.Extractive;

namespace RagPlatform.Retrieval.Tests.Extractive;

[Trait("Category", "Unit")]
public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("Etna is active. It erupts often! Does it? Yes.", new[] { "Etna is active.", "It erupts often!", "Does it?", "Yes." })]
    [InlineData("Dr. Smith met Mr. Jones in St. Louis. They talked.", new[] { "Dr. Smith met Mr. Jones in St. Louis.", "They talked." })]
    [InlineData("Fruit, e.g. apples and pears, i.e. pome fruit. Next.", new[] { "Fruit, e.g. apples and pears, i.e. pome fruit.", "Next." })]
    [InlineData("The U.S. Army grew. Pi is 3.14 and v1.2 shipped. Done.", new[] { "The U.S. Army grew.", "Pi is 3.14 and v1.2 shipped.", "Done." })]
    [InlineData("J. R. R. Tolkien wrote it in 1937. Then more.", new[] { "J. R. R. Tolkien wrote it in 1937.", "Then more." })]
    [InlineData("He said \"Stop.\" Then he left.", new[] { "He said \"Stop.\"", "Then he left." })]
    [InlineData("Wait... what happened (briefly)? Nothing...", new[] { "Wait... what happened (briefly)?", "Nothing..." })]
    [InlineData("Open README.md first. It explains setup.", new[] { "Open README.md first.", "It explains setup." })]
    public void Split_Prose_SentencesEndWhereTheyShould(string text, string[] expected)
    {
        Assert.Equal(expected, Texts(text));
    }

    [Fact]
    public void Split_Lists_EachItemIsASentenceAndItsMarkerIsLeftOut()
    {
        const string text = "Steps:\n1. Retrieve the passages.\n2. Rerank them\n- a bullet without a period\n* another one";

        Assert.Equal(["Steps:", "Retrieve the passages.", "Rerank them", "a bullet without a period", "another one"], Texts(text));
    }

    [Fact]
    public void Split_SoftWrappedParagraph_OneSentence_BlankLineEndsOne()
    {
        const string text = "Answers stream back with citations you can\ncheck in the passage.\n\nA new paragraph starts here";

        Assert.Equal(["Answers stream back with citations you can\ncheck in the passage.", "A new paragraph starts here"], Texts(text));
    }

    [Fact]
    public void Split_EverySpanIsAVerbatimTrimmedSliceOfTheText()
    {
        const string text = "  Mount Etna is on Sicily.   It is 3,357 m high.\n\n- Eruptions: frequent.  ";

        foreach (var span in SentenceSplitter.Split(text))
        {
            var sentence = text[span.Start..span.End];
            Assert.Equal(sentence.Trim(), sentence);
            Assert.NotEmpty(sentence);
        }
    }

    [Fact]
    public void Split_LowerCaseAfterPeriod_NotAnEnd()
    {
        Assert.Equal(["It rose 5 cm. per year in total."], Texts("It rose 5 cm. per year in total."));
    }

    private static List<string> Texts(string text) => [.. SentenceSplitter.Split(text).Select(s => text[s.Start..s.End])];
}
