using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Infrastructure;

/// <summary>How the tests start the Embedder and Reranker hosts, and the same models in-process for comparison.</summary>
internal static class ModelServiceHosts
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    public static string EmbedderDll => TestPaths.ServiceDll("services/Embedder", "RagPlatform.Embedder");

    public static string RerankerDll => TestPaths.ServiceDll("services/Reranker", "RagPlatform.Reranker");

    public static string EmbedderModel => TestAssets.TinyModel("minilm-embedder");

    public static string RerankerModel => TestAssets.TinyModel("minilm-reranker");

    public static async Task EnsureAssetsAsync()
    {
        await TestAssets.EnsureTinyModelsAsync();
    }

    /// <summary>Embedder host settings: the tiny forged model, one ORT thread (small shared machine), extras on top.</summary>
    public static ServiceProcessOptions Embedder(params (string Key, string? Value)[] extra) =>
        new(EmbedderDll, "rag.v1.Embedder") { Environment = Settings("Embedder", EmbedderModel, extra) };

    public static ServiceProcessOptions Reranker(params (string Key, string? Value)[] extra) =>
        new(RerankerDll, "rag.v1.Reranker") { Environment = Settings("Reranker", RerankerModel, extra) };

    public static InferenceSessionOptions Session { get; } = new() { IntraOpThreads = 1 };

    public static ModelDirectory LoadModel(string path) => ModelDirectory.Load(path);

    private static Dictionary<string, string?> Settings(string section, string model, (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{section}__ModelDirectory"] = model,
            [$"{section}__IntraOpThreads"] = "1",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
