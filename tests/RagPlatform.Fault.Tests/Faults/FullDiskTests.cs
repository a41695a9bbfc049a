using System.Net;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Faults;

/// <summary>
/// The orchestrator's data directory on a small tmpfs that is filled to the last byte during ingestion: uploads are
/// refused cleanly (507) or accepted and held in the queue, answers keep working, nothing is corrupted, and once
/// space returns ingestion resumes by itself and every acknowledged document is indexed, also after a restart.
/// </summary>
[Trait("Category", "Fault")]
public sealed class FullDiskTests : IAsyncLifetime
{
    private const string Collection = "disk";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-disk-").FullName;
    private string _mount = "";
    private string? _mountFailure;
    private RunningPlatform? _platform;
    private RagPlatformClient _gateway = null!;

    public async Task InitializeAsync()
    {
        _mount = Path.Combine(_data, "tmpfs");
        Directory.CreateDirectory(_mount);
        var mounted = await ExternalCommand.RunAsync("mount", ["-t", "tmpfs", "-o", "size=32m", "tmpfs", _mount], _data, TimeSpan.FromSeconds(20));
        if (mounted.ExitCode != 0)
        {
            _mountFailure = $"mount -t tmpfs failed ({mounted.ExitCode}): {mounted.StandardError.Trim()}";
            return;
        }

        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Orchestrator] = new Dictionary<string, string?>
                {
                    ["Orchestrator__DataDirectory"] = _mount,
                    ["Ingestion__MinFreeDiskBytes"] = "0",
                    ["Ingestion__RetryDelay"] = "00:00:00.5",
                },
                [PlatformService.Gateway] = new Dictionary<string, string?> { ["Gateway__RequestsPerSecond"] = "1000", ["Gateway__RequestBurst"] = "1000" },
            },
        });
        _gateway = _platform.CreateGatewayClient(rateLimitRetries: 0);
        await _gateway.CreateCollectionAsync(Collection);
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        if (_mountFailure is null)
        {
            await ExternalCommand.RunAsync("umount", [_mount], _data, TimeSpan.FromSeconds(20));
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task DiskFillsDuringIngestion_CleanRefusals_NoCorruption_ResumesWhenSpaceReturns()
    {
        if (_mountFailure is not null)
        {
            // Only where tmpfs cannot be mounted (no CAP_SYS_ADMIN): said loudly in the run's report, never silently.
            TestReport.Write("fault", $"full disk: NOT RUN — {_mountFailure}");
            return;
        }

        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add(await UploadAsync(i, HttpStatusCode.Accepted));
        }

        await _gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
        var ballast = Path.Combine(_mount, "ballast");
        FillDisk(ballast);

        var refused = new List<int>();
        for (var i = 5; i < 25; i++)
        {
            try
            {
                await Upload(i);
                acknowledged.Add(Name(i));
            }
            catch (RagPlatformException ex)
            {
                Assert.Equal(HttpStatusCode.InsufficientStorage, ex.StatusCode);
                // The refusal is a problem document that says why (the client read its detail and request id).
                Assert.False(string.IsNullOrEmpty(ex.Detail));
                Assert.False(string.IsNullOrEmpty(ex.RequestId));
                refused.Add(i);
            }
        }

        Assert.NotEmpty(refused);
        var whileFull = await _gateway.AskAsync(new AskRequest(Collection, "granite") { Mode = RetrievalModes.Lexical, MaxTokens = 2 });
        Assert.NotEmpty(whileFull.Citations);

        File.Delete(ballast);
        foreach (var i in refused)
        {
            acknowledged.Add(await UploadAsync(i, HttpStatusCode.Accepted));
        }

        await AssertAllIndexedAsync(acknowledged);
        await _platform!.KillAsync(PlatformService.Orchestrator);
        await _platform.StartServiceAsync(PlatformService.Orchestrator);
        await AssertAllIndexedAsync(acknowledged);
        TestReport.Write("fault", $"full disk: {refused.Count} uploads refused with 507 while full, {acknowledged.Count} acknowledged, all indexed after space returned and after a restart");
    }

    private async Task AssertAllIndexedAsync(IReadOnlyCollection<string> acknowledged)
    {
        var documents = await _gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(90));
        Assert.Equal(acknowledged.Order(), documents.Select(d => d.DocumentId).Order());
        Assert.All(documents, d => Assert.Equal(DocumentStates.Indexed, d.State));
        var collection = await _gateway.GetCollectionAsync(Collection);
        Assert.Equal(documents.Sum(d => d.ChunkCount), collection.ChunkCount);
    }

    private async Task<string> UploadAsync(int i, HttpStatusCode expected)
    {
        Assert.Equal(expected, (await GatewayOutcome.OfAsync(() => Upload(i), HttpStatusCode.Accepted)).Status);
        return Name(i);
    }

    private Task<DocumentResource> Upload(int i) => _gateway.UploadDocumentAsync(Collection, new UploadFile(Name(i), Encoding.UTF8.GetBytes(Text(i))));

    /// <summary>Writes until the filesystem refuses another byte.</summary>
    private static void FillDisk(string path)
    {
        var block = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full, which is the point. Fill the last partial block too.
            for (var size = block.Length / 2; size > 0; size /= 2)
            {
                try
                {
                    file.Write(block.AsSpan(0, size));
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static string Name(int i) => $"rock-{i:D2}.txt";

    private static string Text(int i) => $"Granite sample {i} is an igneous rock with quartz and feldspar, catalogued as item {i}.";
}
