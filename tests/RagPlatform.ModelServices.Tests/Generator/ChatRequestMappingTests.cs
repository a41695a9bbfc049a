using Microsoft.Extensions.AI;
using RagPlatform.AI;
using WireChatRole = RagPlatform.Contracts.V1.ChatRole;
using WireFinishReason = RagPlatform.Contracts.V1.FinishReason;

namespace RagPlatform.ModelServices.Tests.Generator;

[Trait("Category", "Unit")]
public sealed class ChatRequestMappingTests
{
    [Fact]
    public void ToRequest_ChatOptions_BecomeSamplingParametersAndStops()
    {
        var options = new ChatOptions
        {
            Instructions = "Be brief.",
            Temperature = 0.7f,
            TopP = 0.9f,
            TopK = 40,
            MaxOutputTokens = 64,
            Seed = 42,
            StopSequences = ["\n\n", "END"],
        };

        var request = ChatRequestMapping.ToRequest([new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.Assistant, "Hello")], options);

        Assert.Equal([WireChatRole.System, WireChatRole.User, WireChatRole.Assistant], request.Chat.Messages.Select(m => m.Role));
        Assert.Equal("Be brief.", request.Chat.Messages[0].Content);
        Assert.Equal(64, request.MaxNewTokens);
        Assert.Equal(0.7f, request.Sampling.Temperature);
        Assert.Equal(0.9f, request.Sampling.TopP);
        Assert.Equal(40, request.Sampling.TopK);
        Assert.Equal(42UL, request.Sampling.Seed);
        Assert.Equal(["\n\n", "END"], request.Stop);
    }

    [Fact]
    public void ToRequest_NoOptions_LeavesServerDefaults()
    {
        var request = ChatRequestMapping.ToRequest([new ChatMessage(ChatRole.User, "Hi")], null);

        Assert.Equal(0, request.MaxNewTokens);
        Assert.False(request.Sampling.HasTopP);
        Assert.False(request.Sampling.HasSeed);
        Assert.Equal(0f, request.Sampling.Temperature);
    }

    [Fact]
    public void ToRequest_ToolMessage_NotSupported()
    {
        Assert.Throws<NotSupportedException>(() => ChatRequestMapping.ToRequest([new ChatMessage(ChatRole.Tool, "{}")], null));
    }

    [Theory]
    [InlineData(WireFinishReason.Stop, "stop")]
    [InlineData(WireFinishReason.Length, "length")]
    public void ToFinishReason_MapsWireReasons(WireFinishReason reason, string expected)
    {
        Assert.Equal(new ChatFinishReason(expected), ChatRequestMapping.ToFinishReason(reason));
    }
}
