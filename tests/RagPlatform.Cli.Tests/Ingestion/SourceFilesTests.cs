using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Ingestion;
using RagPlatform.Cli.Tests.Infrastructure;

namespace RagPlatform.Cli.Tests.Ingestion;

[Trait("Category", "Unit")]
public sealed class SourceFilesTests
{
    [Fact]
    public void Expand_Directory_TakesSupportedFilesRecursively_SkipsHiddenAndOthers()
    {
        using var temp = new TemporaryDirectory();
        temp.File("docs/guide.md", "# Guide");
        temp.File("docs/api/keys.html", "<p>keys</p>");
        temp.File("docs/api/README.md", "readme");
        temp.File("docs/logo.png", "png");
        temp.File("docs/.git/HEAD.txt", "hidden");
        temp.File("docs/.draft.md", "hidden");
        var environment = new CliEnvironment(new Dictionary<string, string>(), temp.Path, AppContext.BaseDirectory);

        var selection = SourceFiles.Expand(["docs"], environment);

        Assert.Equal(["docs_api_README.md", "docs_api_keys.html", "docs_guide.md"], selection.Files.Select(f => f.DocumentId));
        Assert.Equal(1, selection.SkippedUnsupported);
    }

    [Fact]
    public void Expand_File_UsesItsOwnName_AndOverlappingPathsCountOnce()
    {
        using var temp = new TemporaryDirectory();
        var file = temp.File("notes/a b.txt", "text");
        var environment = new CliEnvironment(new Dictionary<string, string>(), temp.Path, AppContext.BaseDirectory);

        var selection = SourceFiles.Expand([file, file], environment);

        var single = Assert.Single(selection.Files);
        Assert.Equal("a_b.txt", single.DocumentId);
        Assert.Equal("a b.txt", single.FileName);
    }

    [Fact]
    public void Expand_FilesOfOneNameByRelativePaths_IdsFromThePathsAsWritten()
    {
        using var temp = new TemporaryDirectory();
        temp.File("work/README.md", "top");
        temp.File("work/deploy/README.md", "deploy");
        temp.File("work/notes/a.txt", "notes");
        temp.File("elsewhere/b.txt", "outside");
        var environment = new CliEnvironment(new Dictionary<string, string>(), Path.Combine(temp.Path, "work"), AppContext.BaseDirectory);

        var selection = SourceFiles.Expand(["README.md", "deploy/README.md", "./notes//a.txt", "../elsewhere/b.txt"], environment);

        Assert.Equal(["README.md", "deploy_README.md", "notes_a.txt", "b.txt"], selection.Files.Select(f => f.DocumentId));
    }

    [Fact]
    public void Expand_UnsupportedFileNamedExplicitly_IsAUsageError()
    {
        using var temp = new TemporaryDirectory();
        var file = temp.File("image.png", "png");
        var environment = new CliEnvironment(new Dictionary<string, string>(), temp.Path, AppContext.BaseDirectory);

        var failure = Assert.Throws<CliException>(() => SourceFiles.Expand([file], environment));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
    }

    [Fact]
    public void Expand_MissingPath_IsAUsageError()
    {
        var environment = new CliEnvironment(new Dictionary<string, string>(), Path.GetTempPath(), AppContext.BaseDirectory);

        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => SourceFiles.Expand(["no-such-dir-" + Guid.NewGuid()], environment)).ExitCode);
    }

    [Fact]
    public void Expand_TwoFilesOneDocumentId_IsRefusedBeforeUploading()
    {
        using var temp = new TemporaryDirectory();
        var first = temp.File("x/a b.md", "1");
        var second = temp.File("y/a_b.md", "2");
        var environment = new CliEnvironment(new Dictionary<string, string>(), temp.Path, AppContext.BaseDirectory);

        var failure = Assert.Throws<CliException>(() => SourceFiles.Expand([first, second], environment));

        Assert.Contains("a_b.md", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DocumentId_VeryLongPath_StaysWithinTheGatewaysLimitAndUnique()
    {
        var a = SourceFiles.DocumentId(new string('a', 300) + "/one.md");
        var b = SourceFiles.DocumentId(new string('a', 300) + "/two.md");

        Assert.True(a.Length <= 200);
        Assert.NotEqual(a, b);
        Assert.Matches("^[A-Za-z0-9_-][A-Za-z0-9._-]*$", a);
    }
}
