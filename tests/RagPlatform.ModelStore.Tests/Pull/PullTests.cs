using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Pull;

/// <summary>Pulls against <see cref="FakeModelHub"/>: the happy path and what each hub answer must lead to.</summary>
[Trait("Category", "Unit")]
public sealed class PullTests
{
    [Fact]
    public async Task PullAsync_UnpinnedModel_InstallsEveryFileVerifiedByTheHubAndWritesTheManifestLast()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));
        var progress = new RecordingProgress();

        var manifest = await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path, progress).Bounded();

        foreach (var (path, file) in files)
        {
            Assert.Equal(file.Sha256, TestRepos.Sha256Of(target.Combine(path)));
        }

        Assert.Equal(["sha256:hub"], manifest.Files.Single(f => f.Path == TestRepos.Onnx).VerifiedBy);
        Assert.Equal(["git-blob:hub"], manifest.Files.Single(f => f.Path == "config.json").VerifiedBy);
        var onDisk = ModelManifest.TryRead(target.Path)!;
        Assert.Equal((TestRepos.Repository, TestRepos.Revision, "hub"), (onDisk.Repository, onDisk.Revision, onDisk.Source));
        Assert.Equal(files.Count, onDisk.Files.Count);
        Assert.Empty(Directory.EnumerateFiles(target.Path, "*.partial", SearchOption.AllDirectories));
        var onnx = progress.For(TestRepos.Onnx);
        Assert.Equal(FileStage.Installed, onnx[^1].Stage);
        Assert.True(onnx.Count(p => p.Stage == FileStage.Transferring) >= 3, "a 3 MiB file reports progress per megabyte");
        Assert.All(onnx, p => Assert.Equal(files[TestRepos.Onnx].Content.Length, p.TotalBytes));
    }

    [Fact]
    public async Task PullAsync_LfsFile_FollowsTheRedirectToTheCdnAndSendsTheTokenToTheHubOnly()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.RequiredToken = "hf_secret";
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub, token: "hf_secret"));

        await installer.PullAsync(TestRepos.Spec(files, pin: true), target.Path).Bounded();

        Assert.All(hub.Requests.Where(r => r.Origin == "hub"), r => Assert.Equal("Bearer hf_secret", r.Authorization));
        var cdn = Assert.Single(hub.Requests, r => r.Origin == "cdn");
        Assert.Null(cdn.Authorization);
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task PullAsync_ConnectionDroppedMidFile_ResumesWithARangeRequestAndVerifies()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.DropConnectionAfter(TestRepos.Onnx, 1_500_000);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var manifest = await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        var transfers = hub.Requests.Where(r => r.Origin == "cdn").ToList();
        Assert.Equal(2, transfers.Count);
        Assert.Null(transfers[0].Range);
        var resumedAt = long.Parse(transfers[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, 1_500_000);
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
        Assert.Equal(files[TestRepos.Onnx].Sha256, manifest.Files.Single(f => f.Path == TestRepos.Onnx).Sha256);
    }

    [Fact]
    public async Task PullAsync_ConnectionDroppedMoreOftenThanTheRetryBudget_KeepsResumingWhileBytesArrive()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.CutEveryTransferAfter(TestRepos.Onnx, 512 * 1024, times: 5);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub) with { MaxRetries = 1 });

        await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        Assert.Equal(6, hub.Requests.Count(r => r.Origin == "cdn"));
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task PullAsync_ConnectionDroppedAtTheSameByteEveryTime_GivesUpAfterTheRetryBudget()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.DropConnectionAfter(TestRepos.Onnx, 1_000_000, times: 100);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub) with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        // The first transfer delivers a megabyte; the resumed ones deliver nothing: 1 + MaxRetries transfers.
        Assert.Equal(ModelStoreError.HubUnavailable, error.Error);
        Assert.Equal(3, hub.Requests.Count(r => r.Origin == "cdn"));
        Assert.True(ModelManifest.IsInterrupted(target.Path));
    }

    [Fact]
    public async Task PullAsync_ServerIgnoresRangeAfterADrop_StartsTheFileOverAndStillVerifies()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.DropConnectionAfter(TestRepos.Onnx, 1_000_000);
        hub.IgnoreRange(TestRepos.Onnx);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        await installer.PullAsync(TestRepos.Spec(files, pin: true), target.Path).Bounded();

        Assert.Equal(2, hub.RequestsFor("cdn", files[TestRepos.Onnx].Sha256).Count);
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task PullAsync_CorruptedBytes_FailsWithChecksumMismatchAndLeavesNoFileOrManifest()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.Corrupt(TestRepos.Onnx);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Equal(TestRepos.Onnx, error.Path);
        Assert.Contains(files[TestRepos.Onnx].Sha256, error.Message);
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx)));
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx + ".partial")));
        Assert.Null(ModelManifest.TryRead(target.Path));
        Assert.True(ModelManifest.IsInterrupted(target.Path));
    }

    [Fact]
    public async Task PullAsync_CorruptedPlainGitFile_IsCaughtByTheGitBlobId()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.Corrupt("config.json");
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Contains("git blob id", error.Message);
        Assert.False(File.Exists(target.Combine("config.json")));
    }

    [Fact]
    public async Task PullAsync_CatalogPinContradictsTheHub_FailsBeforeDownloadingAnything()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        var spec = TestRepos.Spec(files, pin: true);
        spec = spec with { Files = [.. spec.Files.Select(f => f.Path == TestRepos.Onnx ? f with { Sha256 = new string('a', 64) } : f)] };
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(spec, target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Contains("catalog pins " + new string('a', 64), error.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal) || r.Origin == "cdn");
    }

    [Fact]
    public async Task PullAsync_FileMissingAtTheRevision_FailsWithNotFoundNamingItBeforeAnyDownload()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        var spec = TestRepos.Spec(files, pin: false);
        spec = spec with { Files = [.. spec.Files, new ModelFile("tokenizer_config.json")] };
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(spec, target.Path).Bounded());

        Assert.Equal(ModelStoreError.NotFound, error.Error);
        Assert.Contains("tokenizer_config.json", error.Message);
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PullAsync_UnknownRevision_FailsWithNotFoundFromTheListing()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            installer.PullAsync(TestRepos.Spec(files, pin: false) with { Revision = new string('f', 40) }, target.Path).Bounded());

        Assert.Equal(ModelStoreError.NotFound, error.Error);
        Assert.Contains("Invalid rev id", error.Message);
    }

    [Fact]
    public async Task PullAsync_HubWantsATokenAndNoneIsSet_FailsWithUnauthorizedAndSaysHowToFixIt()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.RequiredToken = "hf_secret";
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.Unauthorized, error.Error);
        Assert.Contains("HF_TOKEN", error.Message);
        Assert.Single(hub.Requests);
    }

    [Fact]
    public async Task PullAsync_TransientServiceUnavailable_RetriesAndSucceeds()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.FailWith(FakeModelHub.Listing, 503, times: 2);
        hub.FailWith(TestRepos.Onnx, 503, times: 1);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        await installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded();

        Assert.Equal(3, hub.Requests.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal)));
        Assert.Equal(2, hub.RequestsFor("hub", "/resolve/" + TestRepos.Revision + "/" + TestRepos.Onnx).Count);
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task PullAsync_ServiceUnavailableOnEveryAttempt_GivesUpAfterTheRetryBudget()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.FailWith(TestRepos.Onnx, 503);
        using var target = new TempDirectory();
        var options = TestRepos.Options(hub) with { MaxRetries = 2 };
        using var installer = new ModelInstaller(options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.HubUnavailable, error.Error);
        Assert.Contains("503", error.Message);
        Assert.Equal(3, hub.RequestsFor("hub", "/" + TestRepos.Onnx).Count);
        Assert.Null(ModelManifest.TryRead(target.Path));
    }

    [Fact]
    public async Task PullAsync_FileOverTheSizeLimit_FailsBeforeDownloadingIt()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub) with { MaxFileSize = 1024 * 1024 });

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.TooLarge, error.Error);
        Assert.Equal(TestRepos.Onnx, error.Path);
        Assert.DoesNotContain(hub.Requests, r => r.Origin == "cdn");
    }

    [Fact]
    public async Task PullAsync_HubServesAnotherCommit_FailsWithProtocolError()
    {
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        hub.ServedCommit = new string('e', 40);
        using var target = new TempDirectory();
        using var installer = new ModelInstaller(TestRepos.Options(hub));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.PullAsync(TestRepos.Spec(files, pin: false), target.Path).Bounded());

        Assert.Equal(ModelStoreError.ProtocolError, error.Error);
        Assert.Contains(new string('e', 40), error.Message);
    }
}
