using Microsoft.Extensions.Configuration;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Orchestrator.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class AnsweringOptionsTests
{
    [Fact]
    public void Bind_FusionAndExtractiveKeys_ReachTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Answering:Fusion"] = "ReciprocalRank",
            ["Answering:FusionDenseWeight"] = "0.3",
            ["Answering:FusionCandidates"] = "40",
            ["Answering:RunForgedModels"] = "true",
            ["Answering:Extractive:MaxSentences"] = "2",
            ["Answering:Extractive:DenseWeight"] = "0.75",
        }).Build();

        var options = configuration.GetSection(AnsweringOptions.SectionName).Get<AnsweringOptions>()!;

        Assert.Equal(new HybridFusion(FusionRule.ReciprocalRank, 0.3f, options.RrfK), options.Fusing());
        Assert.Equal(40, options.FusionCandidates);
        Assert.True(options.RunForgedModels);
        Assert.Equal((2, 0.75f), (options.Extractive.MaxSentences, options.Extractive.DenseWeight));
        Assert.Equal(600, options.Extractive.MaxCharacters);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Defaults_AreTheFusionChosenOnSquadDev()
    {
        var options = new AnsweringOptions();

        Assert.Equal(HybridFusion.Default, options.Fusing());
        Assert.Equal(HybridFusion.DefaultCandidates, options.FusionCandidates);
        Assert.False(options.RunForgedModels);
    }
}
