using RagPlatform.Orchestrator.Answering;

namespace RagPlatform.Orchestrator.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class CitationMarkersTests
{
    [Theory]
    [InlineData("Paris is the capital [1].", "Paris is the capital [1].", new[] { 1 })]
    [InlineData("See [2][1] and [2].", "See [2][1] and [2].", new[] { 2, 1 })]
    [InlineData("Both [1, 3] agree.", "Both [1, 3] agree.", new[] { 1, 3 })]
    [InlineData("Made up [7].", "Made up .", new int[0])]
    [InlineData("Half [3, 9] valid.", "Half [3] valid.", new[] { 3 })]
    [InlineData("Zero [0] is no passage.", "Zero  is no passage.", new int[0])]
    [InlineData("Arrays like a[i] and [x] stay.", "Arrays like a[i] and [x] stay.", new int[0])]
    [InlineData("Empty [] and [ ] stay.", "Empty [] and [ ] stay.", new int[0])]
    [InlineData("Nested [[2]] marker.", "Nested [[2]] marker.", new[] { 2 })]
    [InlineData("Unclosed [2", "Unclosed [2", new int[0])]
    public void Push_WholeAnswer_KeepsOnlyMarkersOfPromptPassages(string answer, string shown, int[] cited)
    {
        var markers = new CitationMarkers(passageCount: 3);

        var output = markers.Push(answer) + markers.Flush();

        Assert.Equal(shown, output);
        Assert.Equal(cited, markers.Cited);
    }

    [Fact]
    public void Push_MarkerSplitAcrossPieces_HeldBackUntilComplete()
    {
        var markers = new CitationMarkers(passageCount: 12);

        Assert.Equal("It is so ", markers.Push("It is so ["));
        Assert.Equal("", markers.Push("1"));
        Assert.Equal("", markers.Push("2, "));
        Assert.Equal("[12, 1].", markers.Push("1]."));
        Assert.Equal([12, 1], markers.Cited);
    }

    [Fact]
    public void Push_LongRunAfterBracket_ReleasedAsText()
    {
        var markers = new CitationMarkers(passageCount: 3);
        var digits = "[" + new string('1', 40);

        var output = markers.Push(digits) + markers.Flush();

        Assert.Equal(digits, output);
        Assert.Empty(markers.Cited);
    }
}
