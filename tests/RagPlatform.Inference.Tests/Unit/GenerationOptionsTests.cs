using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Models;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class GenerationOptionsTests
{
    public static TheoryData<GenerationOptions, string> Invalid => new()
    {
        { new GenerationOptions { Temperature = float.NaN }, "temperature" },
        { new GenerationOptions { Temperature = -0.1f }, "temperature" },
        { new GenerationOptions { Temperature = 2.01f }, "temperature" },
        { new GenerationOptions { TopP = 0f }, "top_p" },
        { new GenerationOptions { TopP = 1.01f }, "top_p" },
        { new GenerationOptions { TopP = float.NaN }, "top_p" },
        { new GenerationOptions { TopK = -1 }, "top_k" },
        { new GenerationOptions { RepetitionPenalty = 0f }, "repetition_penalty" },
        { new GenerationOptions { RepetitionPenalty = -1f }, "repetition_penalty" },
        { new GenerationOptions { RepetitionPenalty = float.NaN }, "repetition_penalty" },
        { new GenerationOptions { MaxNewTokens = 0 }, "max_new_tokens" },
        { new GenerationOptions { MaxNewTokens = -5 }, "max_new_tokens" },
        { new GenerationOptions { StopStrings = [""] }, "stop" },
        { new GenerationOptions { StopStrings = Enumerable.Range(0, 17).Select(i => $"s{i}").ToArray() }, "stop" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidField_ThrowsArgumentExceptionNamingIt(GenerationOptions options, string field)
    {
        var error = Assert.ThrowsAny<ArgumentException>(options.Validate);

        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Boundaries_AreAccepted()
    {
        new GenerationOptions { Temperature = 2f, TopP = 1f, TopK = 0, RepetitionPenalty = 0.5f, MaxNewTokens = 1 }.Validate();
        new GenerationOptions { Temperature = 0f, TopP = 1e-6f }.Validate();
    }

    [Fact]
    public void FromModelDefaults_QwenGenerationConfig_TakesItsSamplingSettings()
    {
        var defaults = new GenerationDefaults { DoSample = true, Temperature = 0.7f, TopK = 20, TopP = 0.8f, RepetitionPenalty = 1.05f };

        var options = GenerationOptions.FromModelDefaults(defaults);

        Assert.Equal((0.7f, 20, 0.8f, 1.05f), (options.Temperature, options.TopK, options.TopP, options.RepetitionPenalty));
        Assert.Equal(0f, GenerationOptions.FromModelDefaults(defaults with { DoSample = false }).Temperature);
    }
}
