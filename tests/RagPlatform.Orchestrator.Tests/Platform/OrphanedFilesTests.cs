using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Orchestrator.Tests.Platform;

/// <summary>
/// What a crash can leave in the orchestrator's stored uploads (an upload stored but never queued, an old version
/// not yet deleted, a partial write, a half-deleted collection) is swept at the next start, and only that: the
/// documents the status store knows keep their files and stay indexed.
/// </summary>
[Trait("Category", "Fault")]
public sealed class OrphanedFilesTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly RunningPlatform _platform = fixture.Platform;
    private readonly RagPlatformClient _gateway = fixture.Gateway;

    private string Uploads => Path.Combine(fixture.DataDirectory, "orchestrator", "uploads");

    [Fact]
    public async Task Restart_AfterCrashLeftOrphans_DeletesThemAndKeepsEveryDocumentsFile()
    {
        await _gateway.CreateCollectionAsync("docs");
        await _gateway.UploadDocumentAsync("docs", new UploadFile("owls.txt", Encoding.UTF8.GetBytes("Owls hunt at night.")));
        await _gateway.WaitUntilSettledAsync("docs", Bound);
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(Uploads, "docs", "owls.txt")));
        await _platform.KillAsync(PlatformService.Orchestrator);

        string[] orphans =
        [
            Plant("docs", "never-queued.txt", "0123.txt"),
            Plant("docs", "owls.txt", "an-older-version.txt"),
            Plant("docs", "owls.txt", ".5f2a.tmp"),
            Plant("deleted-collection", "notes.md", "abcd.md"),
        ];
        await _platform.StartServiceAsync(PlatformService.Orchestrator);

        await WaitUntilAsync(() => !orphans.Any(File.Exists));
        Assert.True(File.Exists(kept));
        Assert.False(Directory.Exists(Path.Combine(Uploads, "docs", "never-queued.txt")));
        Assert.False(Directory.Exists(Path.Combine(Uploads, "deleted-collection")));
        Assert.Equal(DocumentStates.Indexed, (await _gateway.GetDocumentAsync("docs", "owls.txt")).State);
        var answer = await _gateway.AskAsync(new AskRequest("docs", "When do owls hunt?") { Mode = RetrievalModes.Lexical, MaxTokens = 2 });
        Assert.Contains(answer.Citations, c => c.DocumentId == "owls.txt");
    }

    private string Plant(string collection, string documentId, string fileName)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Uploads, collection, documentId)).FullName;
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, "left behind by a crash");
        return path;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The orphaned files were still there a minute after the restart.");
            await Task.Delay(100);
        }
    }
}
