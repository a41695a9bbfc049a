using RagPlatform.Inference.Generation;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class StopStringFilterTests
{
    [Fact]
    public void Push_StopStringSplitAcrossChunks_HeldBackThenSwallowed()
    {
        var filter = new StopStringFilter(["World"]);

        Assert.Equal("Hello ", filter.Push("Hello Wo"));
        Assert.Equal("", filter.Push("rl"));
        Assert.Equal("", filter.Push("d and more"));
        Assert.True(filter.Stopped);
        Assert.Equal("", filter.Push("later"));
        Assert.Equal("", filter.Flush());
    }

    [Fact]
    public void Push_PartialMatchThatFails_ReleasedWithTheNextChunk()
    {
        var filter = new StopStringFilter(["abc"]);

        Assert.Equal("x", filter.Push("xab"));
        Assert.Equal("abd", filter.Push("d"));
        Assert.False(filter.Stopped);
    }

    [Fact]
    public void Flush_StreamEndsDuringPartialMatch_HeldTextIsReleased()
    {
        var filter = new StopStringFilter(["</answer>"]);

        Assert.Equal("done", filter.Push("done</ans"));
        Assert.Equal("</ans", filter.Flush());
    }

    [Fact]
    public void Push_SeveralStopStrings_EarliestWins()
    {
        var filter = new StopStringFilter(["END", "STOP"]);

        Assert.Equal("a ", filter.Push("a STOP b END"));
        Assert.True(filter.Stopped);
    }

    [Fact]
    public void Push_OverlappingPrefixes_HoldsTheLongestPossibleStart()
    {
        var filter = new StopStringFilter(["aab"]);

        Assert.Equal("x", filter.Push("xaa"));
        Assert.Equal("a", filter.Push("a"));
        Assert.Equal("", filter.Push("b"));
        Assert.True(filter.Stopped);
    }

    [Fact]
    public void Push_NoStopStrings_PassesTextThrough()
    {
        var filter = new StopStringFilter([]);

        Assert.Equal("anything", filter.Push("anything"));
        Assert.Equal("", filter.Flush());
    }
}
