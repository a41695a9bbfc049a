using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Generator;

/// <summary>The loaded generator with what Info reports beyond it; owned by the service's ModelHost.</summary>
internal sealed class GeneratorModel(TextGenerator generator, string modelType, int tokenizerVocabularySize) : IDisposable
{
    public TextGenerator Generator { get; } = generator;

    /// <summary>config.json's model_type (e.g. "qwen2"), the family ModelInfo.architecture names.</summary>
    public string ModelType { get; } = modelType;

    /// <summary>The tokenizer's vocabulary, special tokens included (ModelInfo.vocabulary_size), which may be smaller than the logits.</summary>
    public int TokenizerVocabularySize { get; } = tokenizerVocabularySize;

    public static GeneratorModel Open(OnnxSessionFactory sessions, ModelDirectory directory, GeneratorOptions options) =>
        new(TextGenerator.Open(sessions, directory, new TextGeneratorOptions { Session = options.SessionOptions, ContextWindow = options.ContextWindow }),
            directory.Config.ModelType, directory.Tokenizer.VocabularySize);

    /// <summary>Two greedy tokens: the prompt pass and one cached step, so ORT's lazy set-up is paid before SERVING.</summary>
    public static void Warm(GeneratorModel model, CancellationToken cancellationToken) =>
        model.Generator.GenerateAsync(GenerationPrompt.FromText("Hello"), new GenerationOptions { MaxNewTokens = 2 }, cancellationToken)
            .GetAwaiter().GetResult();

    public void Dispose() => Generator.Dispose();
}
