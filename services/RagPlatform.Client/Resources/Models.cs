namespace RagPlatform.Client;

/// <summary>What one model service (embedder, reranker, generator) has loaded, or why it could not be asked.</summary>
/// <param name="Forged">True for seeded random weights built for tests: their output is noise.</param>
public sealed record ModelServiceResource(
    string Role,
    bool Reachable,
    string? ModelId,
    bool? Forged,
    string? Architecture,
    int? MaxTokens,
    int? Dimensions,
    string? Error);

public sealed record ModelsResource(IReadOnlyList<ModelServiceResource> Services, bool AnyForged);
