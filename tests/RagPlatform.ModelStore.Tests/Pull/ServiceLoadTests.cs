using RagPlatform.Inference.Models;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Pull;

/// <summary>
/// A real model folder (the forged tiny models: real configs and tokenizers, real ONNX graphs) published on the
/// fake hub in the layout of the catalog's repositories, pulled, and loaded with the services' own loader.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ServiceLoadTests
{
    [Theory]
    [InlineData("minilm-embedder", ModelRole.Embedder)]
    [InlineData("minilm-reranker", ModelRole.Reranker)]
    [InlineData("qwen2.5", ModelRole.Generator)]
    public async Task PullAsync_PublishedModelFolder_InstallsAFolderTheServiceLoads(string name, ModelRole role)
    {
        await TestAssets.EnsureTinyModelsAsync();
        var source = TestAssets.TinyModel(name);
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "forge.json")
            .ToDictionary(
                f => Path.GetRelativePath(source, f).Replace(Path.DirectorySeparatorChar, '/'),
                f => new FakeHubFile(File.ReadAllBytes(f), Lfs: f.EndsWith(".onnx", StringComparison.Ordinal) || new FileInfo(f).Length > 1024 * 1024));
        await using var hub = await FakeModelHub.StartAsync();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var manifest = await installer.PullAsync(TestRepos.Spec(files, pin: false, name, role), target.Combine(name)).Bounded();

        var loaded = ModelDirectory.Load(target.Combine(name));
        Assert.True(loaded.HasTokenizer);
        Assert.EndsWith(Path.Combine("onnx", "model.onnx"), loaded.OnnxPath, StringComparison.Ordinal);
        Assert.Equal(role, manifest.Role);
        Assert.Equal(ModelManifest.TryRead(target.Combine(name)), manifest, ManifestComparer.Instance);
    }

    /// <summary>Records compare their lists by reference; a manifest read back is equal when its fields and files are.</summary>
    private sealed class ManifestComparer : IEqualityComparer<ModelManifest?>
    {
        public static ManifestComparer Instance { get; } = new();

        public bool Equals(ModelManifest? x, ModelManifest? y) =>
            x is not null && y is not null
            && (x.Schema, x.Name, x.Role, x.Repository, x.Revision, x.Source, x.Origin, x.InstalledAt)
                == (y.Schema, y.Name, y.Role, y.Repository, y.Revision, y.Source, y.Origin, y.InstalledAt)
            && x.Files.Zip(y.Files).All(p => p.First.Path == p.Second.Path && p.First.Sha256 == p.Second.Sha256
                && p.First.Size == p.Second.Size && p.First.VerifiedBy.SequenceEqual(p.Second.VerifiedBy))
            && x.Files.Count == y.Files.Count;

        public int GetHashCode(ModelManifest? obj) => obj?.Name.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
