using RagPlatform.ModelStore.Install;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Pull;

/// <summary>What a second pull does after the first was cancelled, interrupted or completed.</summary>
[Trait("Category", "Unit")]
public sealed class RerunTests
{
    [Fact]
    public async Task PullAsync_CancelledMidFile_KeepsNoFinalFileAndTheNextPullResumesThePartial()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(p =>
        {
            if (p is { Path: TestRepos.Onnx, Stage: FileStage.Transferring, BytesDone: >= 1024 * 1024 })
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path, progress, cancel.Token).Bounded());

        var partial = target.Combine(TestRepos.Onnx + ".partial");
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx)));
        Assert.Null(ModelManifest.TryRead(target.Path));
        var kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1024 * 1024, files[TestRepos.Onnx].Content.Length - 1);

        await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        Assert.Equal($"bytes={kept}-", hub.Requests.Last(r => r.Origin == "cdn").Range);
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task PullAsync_AlreadyInstalled_ReportsUpToDateWithoutAnyRequest()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        var first = await installer.PullAsync(TestRepos.Spec(files, pin: true), target.Path).Bounded();
        var requests = hub.Requests.Count;
        var progress = new RecordingProgress();

        var second = await installer.PullAsync(TestRepos.Spec(files, pin: true), target.Path, progress).Bounded();

        Assert.Equal(requests, hub.Requests.Count);
        Assert.Equal(first.InstalledAt, second.InstalledAt);
        Assert.Equal(files.Count, progress.Reports.Count(p => p.Stage == FileStage.UpToDate));
    }

    [Fact]
    public async Task PullAsync_InterruptedAfterSomeFiles_KeepsTheFilesThatVerifyAndDownloadsOnlyTheRest()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();
        File.Delete(target.Combine(ModelManifest.FileName));
        File.Delete(target.Combine("vocab.txt"));
        File.WriteAllText(target.Combine("tokenizer.json"), "{\"tampered\": true}");
        hub.Requests.Clear();

        var manifest = await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        var downloaded = hub.Requests.Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)).Select(r => r.Path.Split('/')[^1]).Order().ToList();
        Assert.Equal(["tokenizer.json", "vocab.txt"], downloaded);
        Assert.Equal(files["tokenizer.json"].Sha256, TestRepos.Sha256Of(target.Combine("tokenizer.json")));
        Assert.Equal(files.Count, manifest.Files.Count);
    }

    [Fact]
    public async Task PullAsync_NewRevisionWithoutAFileOfTheOldOne_RemovesTheStaleFile()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        var withData = new Dictionary<string, FakeHubFile>(files) { ["onnx/model.onnx_data"] = new(new byte[4096], Lfs: true) };
        var oldRevision = new string('b', 40);
        hub.AddRepository(TestRepos.Repository, oldRevision, withData);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        var spec = TestRepos.Spec(files, pin: false);
        spec = spec with { Files = [.. spec.Files, new ModelFile("onnx/model.onnx_data") { Optional = true }] };
        await installer.PullAsync(spec with { Revision = oldRevision }, target.Path).Bounded();
        Assert.True(File.Exists(target.Combine("onnx/model.onnx_data")));

        var manifest = await installer.PullAsync(spec, target.Path).Bounded();

        Assert.False(File.Exists(target.Combine("onnx/model.onnx_data")));
        Assert.DoesNotContain(manifest.Files, f => f.Path == "onnx/model.onnx_data");
        Assert.Equal(TestRepos.Revision, manifest.Revision);
    }

    [Fact]
    public async Task PullAsync_ListingSpreadOverPages_FollowsTheLinkHeader()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.ListingPageSize = 2;
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var manifest = await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        Assert.Equal(3, hub.Requests.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal)));
        Assert.Equal(files.Count, manifest.Files.Count);
    }

    [Fact]
    public async Task PullAsync_FolderLockedByAnotherInstall_FailsWithLocked()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        using var held = DirectoryLock.Acquire(target.Path);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.Locked, error.Error);
        Assert.Empty(hub.Requests);
    }
}
