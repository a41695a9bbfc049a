using RagPlatform.Cli.Gateway;

namespace RagPlatform.Cli.Tests.Gateway;

[Trait("Category", "Unit")]
public sealed class ServerSentEventsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadAsync_GatewayStream_YieldsEachEventInOrder()
    {
        var events = await ReadAsync("event: token\ndata: {\"text\":\"Hel\"}\n\nevent: token\ndata: {\"text\":\"lo\"}\n\nevent: done\ndata: {}\n\n");

        Assert.Equal([("token", "{\"text\":\"Hel\"}"), ("token", "{\"text\":\"lo\"}"), ("done", "{}")], events);
    }

    [Fact]
    public async Task ReadAsync_SeveralDataLines_AreJoinedWithNewlines()
    {
        var events = await ReadAsync("data: first\ndata: second\ndata:third\n\n");

        Assert.Equal([("message", "first\nsecond\nthird")], events);
    }

    [Fact]
    public async Task ReadAsync_CrLfAndCrLineEnds_AreLineEnds()
    {
        var events = await ReadAsync("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r");

        Assert.Equal([("a", "1"), ("b", "2")], events);
    }

    [Fact]
    public async Task ReadAsync_CommentsUnknownFieldsAndDatalessEvents_AreSkipped()
    {
        var events = await ReadAsync(": keep-alive\nid: 7\nretry: 100\n\nevent: ping\n\nevent: token\ndata:  two spaces\n\n");

        // Only one leading space is dropped from a value.
        Assert.Equal([("token", " two spaces")], events);
    }

    [Fact]
    public async Task ReadAsync_EmptyData_IsStillAnEvent_AndEmptyNameMeansMessage()
    {
        var events = await ReadAsync("event:\ndata:\n\n");

        Assert.Equal([("message", "")], events);
    }

    [Fact]
    public async Task ReadAsync_UnfinishedEventAtEnd_IsDropped()
    {
        var events = await ReadAsync("event: token\ndata: {\"text\":\"a\"}\n\nevent: done\ndata: {}");

        Assert.Equal([("token", "{\"text\":\"a\"}")], events);
    }

    [Fact]
    public async Task ReadAsync_ByteOrderMark_IsNotPartOfTheFirstField()
    {
        var events = await ReadAsync("\uFEFFevent: token\ndata: x\n\n");

        Assert.Equal([("token", "x")], events);
    }

    private static async Task<List<(string, string)>> ReadAsync(string text)
    {
        var result = new List<(string, string)>();
        using var reader = new StringReader(text);
        await foreach (var item in ServerSentEvents.ReadAsync(reader, CancellationToken.None).WithCancellation(CancellationToken.None))
        {
            result.Add((item.Name, item.Data));
        }

        return await Task.FromResult(result).WaitAsync(Bound);
    }
}
