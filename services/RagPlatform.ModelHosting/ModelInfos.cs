using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Models;

namespace RagPlatform.ModelHosting;

/// <summary>The rag.v1.ModelInfo every model service's Info returns (see <see cref="ModelHost{TModel}.Info"/>).</summary>
internal static class ModelInfos
{
    /// <param name="modelType">config.json's model_type ("bert", "qwen2"): the proto's architecture family.</param>
    public static ModelInfo From(ModelSummary summary, string modelType)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new ModelInfo
        {
            ModelId = summary.ModelId,
            Revision = "",
            Forged = summary.Forged,
            Architecture = string.IsNullOrEmpty(modelType) ? summary.Architecture : modelType,
            MaxTokens = summary.MaxTokens,
            Dimensions = summary.Dimensions,
            VocabularySize = summary.VocabularySize,
            Device = "cpu",
        };
    }
}
