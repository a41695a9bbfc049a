using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Import;

/// <summary>Air-gapped installs from a local folder, verified by catalog pins or the operator's SHA256SUMS.</summary>
[Trait("Category", "Unit")]
public sealed class ImportTests
{
    private static readonly ModelStoreOptions Options = new() { Hub = new Uri("http://127.0.0.1:9/") };

    [Fact]
    public async Task ImportAsync_PinnedModel_CopiesAndVerifiesEveryFileAgainstTheCatalog()
    {
        var files = TestRepos.Encoder(onnxBytes: 2 * 1024 * 1024 + 17);
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        using var installer = new ModelInstaller(Options);

        var manifest = await installer.ImportAsync(TestRepos.Spec(files, pin: true), source.Path, target.Path).Bounded();

        Assert.Equal(("import", source.Path), (manifest.Source, manifest.Origin));
        Assert.All(manifest.Files, f => Assert.Equal(["sha256:catalog"], f.VerifiedBy));
        foreach (var (path, file) in files)
        {
            Assert.Equal(file.Sha256, TestRepos.Sha256Of(target.Combine(path)));
        }

        Assert.True(ModelLayout.Validate(target.Path, ModelRole.Embedder).IsValid);
    }

    [Fact]
    public async Task ImportAsync_CorruptedCopyOfAPinnedFile_FailsAndInstallsNothingForIt()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        var onnx = source.Combine(TestRepos.Onnx);
        var bytes = File.ReadAllBytes(onnx);
        bytes[12345] ^= 1;
        File.WriteAllBytes(onnx, bytes);
        using var installer = new ModelInstaller(Options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            installer.ImportAsync(TestRepos.Spec(files, pin: true), source.Path, target.Path).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx)));
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx + ".partial")));
        Assert.Null(ModelManifest.TryRead(target.Path));
    }

    [Fact]
    public async Task ImportAsync_UnpinnedFileWithoutChecksumList_RefusesBeforeWritingAnything()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        using var installer = new ModelInstaller(Options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            installer.ImportAsync(TestRepos.Spec(files, pin: false), source.Path, target.Path).Bounded());

        Assert.Equal(ModelStoreError.MissingChecksum, error.Error);
        Assert.Contains("SHA256SUMS", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
    }

    [Fact]
    public async Task ImportAsync_Sha256SumsList_VerifiesTheFilesTheCatalogDoesNotPin()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        var sums = source.Combine("SHA256SUMS");
        File.WriteAllLines(sums, files.Select(f => $"{f.Value.Sha256}  ./{f.Key}"));
        using var installer = new ModelInstaller(Options);

        var manifest = await installer.ImportAsync(TestRepos.Spec(files, pin: false), source.Path, target.Path,
            new ImportOptions { Sha256SumsFile = sums }).Bounded();

        Assert.All(manifest.Files, f => Assert.Equal(["sha256:sha256sums"], f.VerifiedBy));
        Assert.Equal(files[TestRepos.Onnx].Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task ImportAsync_Sha256SumsListDisagreesWithTheFile_FailsWithChecksumMismatch()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        var sums = source.Combine("SHA256SUMS");
        File.WriteAllLines(sums, files.Select(f => $"{(f.Key == TestRepos.Onnx ? new string('0', 64) : f.Value.Sha256)} *{f.Key}"));
        using var installer = new ModelInstaller(Options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => installer.ImportAsync(TestRepos.Spec(files, pin: false), source.Path, target.Path,
            new ImportOptions { Sha256SumsFile = sums }).Bounded());

        Assert.Equal(ModelStoreError.ChecksumMismatch, error.Error);
        Assert.Contains("sha256sums says " + new string('0', 64), error.Message);
        Assert.False(File.Exists(target.Combine(TestRepos.Onnx)));
    }

    [Fact]
    public async Task ImportAsync_AllowUnverified_InstallsAndMarksTheFilesUnverified()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        using var installer = new ModelInstaller(Options);

        var manifest = await installer.ImportAsync(TestRepos.Spec(files, pin: false), source.Path, target.Path,
            new ImportOptions { AllowUnverified = true }).Bounded();

        Assert.All(manifest.Files, f => Assert.Equal(["unverified"], f.VerifiedBy));
        Assert.Equal(files[TestRepos.Onnx].Sha256, manifest.Files.Single(f => f.Path == TestRepos.Onnx).Sha256);
    }

    [Fact]
    public async Task ImportAsync_SourceLacksFiles_NamesThemAllAndLeavesTheTargetUntouched()
    {
        var files = TestRepos.Encoder();
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        File.Delete(source.Combine(TestRepos.Onnx));
        File.Delete(source.Combine("vocab.txt"));
        using var installer = new ModelInstaller(Options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() =>
            installer.ImportAsync(TestRepos.Spec(files, pin: true), source.Path, target.Path).Bounded());

        Assert.Equal(ModelStoreError.InvalidLayout, error.Error);
        Assert.Contains(TestRepos.Onnx, error.Message);
        Assert.Contains("vocab.txt", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
    }

    [Fact]
    public async Task ImportAsync_SourceInTheRepositoryLayout_InstallsTheRemoteFileUnderItsLocalName()
    {
        var files = TestRepos.Encoder();
        var quantized = files[TestRepos.Onnx];
        files.Remove(TestRepos.Onnx);
        files["onnx/model_quantized.onnx"] = quantized;
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        TestRepos.WriteTo(source.Path, files);
        var spec = TestRepos.Spec(files, pin: true);
        spec = spec with
        {
            Files = [.. spec.Files.Select(f => f.Path == "onnx/model_quantized.onnx" ? f with { Path = TestRepos.Onnx, RemotePath = f.Path } : f)],
        };
        using var installer = new ModelInstaller(Options);

        await installer.ImportAsync(spec, source.Path, target.Path).Bounded();

        Assert.Equal(quantized.Sha256, TestRepos.Sha256Of(target.Combine(TestRepos.Onnx)));
        Assert.False(File.Exists(target.Combine("onnx/model_quantized.onnx")));
    }
}
