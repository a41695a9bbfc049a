using System.Globalization;
using System.Text.RegularExpressions;
using RagPlatform.Cli.Platform;
using RagPlatform.Cli.Tests.Evaluation;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Client;
using RagPlatform.Launcher;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.EndToEnd;

/// <summary>
/// The built `rag` (dotnet rag.dll) as a user runs it: `up` with no model arguments starts the five real services as
/// detached processes under a temporary RAG_HOME (the real embedder, the forged reranker and generator), then ingest,
/// ask, eval and status go through the real gateway; a killed service is started again by the next `up`, which leaves
/// the others alone; and `down` must leave no process behind.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RagCliEndToEndTests
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromMinutes(5);
    private static readonly string[] Services = ["embedder", "reranker", "generator", "orchestrator", "gateway"];

    [Fact]
    public async Task Up_Ingest_Ask_Eval_Status_Down_DriveTheRealPlatform()
    {
        await TestAssets.EnsureTinyModelsAsync();
        await TestAssets.EnsureRealEmbeddersAsync();
        using var home = new TemporaryDirectory();
        using var corpus = new TemporaryDirectory();
        corpus.File("docs/keys.md", "# API keys\n\nThe gateway stores API keys hashed and limits each key's request rate.\n");
        corpus.File("docs/ranking.txt", "Hybrid retrieval fuses dense and BM25 rankings with reciprocal rank fusion before the reranker orders passages.\n");
        var broken = corpus.File("broken.pdf", "this is not a PDF");
        var squad = corpus.File("squad.json", SquadDatasetSourceTests.TwoArticles);
        var pids = new Dictionary<string, int>();
        try
        {
            // up: every service healthy, URLs and key printed, the forged models (reranker, generator) called out.
            // Port 0: the launcher picks free ones (a fixed port is checked free before anything starts).
            var up = await RagAsync(home, "up", "--port", "0", "--grpc-port-base", "0", "--timeout", "180");
            Assert.True(up.ExitCode == 0, Describe(up, home));
            var key = File.ReadAllText(Path.Combine(home.Path, "api-key")).Trim();
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home.Path, "api-key")));
            }

            var gateway = Regex.Match(up.StandardOutput, @"gateway  (http://127\.0\.0\.1:\d+)").Groups[1].Value;
            Assert.True(gateway.Length > 0, Describe(up, home));
            Assert.Contains($"web UI   {gateway}/", up.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(key, up.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("FORGED", up.StandardError, StringComparison.Ordinal);
            foreach (var (service, pid) in RecordedPids(home))
            {
                pids[service] = pid;
                Assert.True(ProcessSignals.IsRunning(pid, HostDll(service)), $"{service} (pid {pid}) is not running.\n{Describe(up, home)}");
            }

            Assert.Equal(Services, pids.Keys);

            // The default embedder is the real one; only the reranker and the generator are forged.
            using (var http = new HttpClient { BaseAddress = new Uri(gateway) })
            {
                var models = await new RagPlatformClient(http, new RagPlatformClientOptions { ApiKey = key }).GetModelsAsync();
                Assert.Equal(new Dictionary<string, bool?> { ["embedder"] = false, ["reranker"] = true, ["generator"] = true },
                    models.Services.ToDictionary(m => m.Role, m => m.Forged));
            }

            var again = await RagAsync(home, "up", "--port", "0", "--grpc-port-base", "0");
            Assert.Equal(0, again.ExitCode);
            Assert.Contains("already running", again.StandardError, StringComparison.Ordinal);

            // ingest: both documents indexed (the gateway URL and key come from the state `up` left).
            var ingest = await RagAsync(home, "ingest", Path.Combine(corpus.Path, "docs"), "--collection", "e2e", "--create");
            Assert.True(ingest.ExitCode == 0, Describe(ingest, home));
            Assert.Contains("2 document(s) indexed", ingest.StandardOutput, StringComparison.Ordinal);

            var failing = await RagAsync(home, "ingest", broken, "--collection", "e2e");
            Assert.True(failing.ExitCode == 1, Describe(failing, home));
            Assert.Matches(@"broken\.pdf.*\S", failing.StandardOutput);
            Assert.Contains("1 failed", failing.StandardOutput, StringComparison.Ordinal);

            // ask: the answer streams, then the citations name the ingested documents; it is extractive (the generator
            // is forged) and says which stages were skipped; nothing forged shaped it.
            var ask = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e", "--max-tokens", "16");
            Assert.True(ask.ExitCode == 0, Describe(ask, home));
            var citations = ask.StandardOutput.IndexOf("Citations", StringComparison.Ordinal);
            Assert.True(citations > 0 && ask.StandardOutput[..citations].Trim().Length > 0, "No answer text before the citations:\n" + ask.StandardOutput);
            Assert.Matches(@"\[1\]\s+docs_(keys\.md|ranking\.txt)", ask.StandardOutput);
            Assert.Contains("total ", ask.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Extractive answer", ask.StandardError, StringComparison.Ordinal);
            Assert.Contains("skipped: rerank", ask.StandardError, StringComparison.Ordinal);
            Assert.Contains("skipped: generate", ask.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("FORGED", ask.StandardError, StringComparison.Ordinal);

            // Every quoted sentence is found verbatim in the passage it cites.
            var json = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e", "--json");
            Assert.True(json.ExitCode == 0, Describe(json, home));
            using (var answer = System.Text.Json.JsonDocument.Parse(json.StandardOutput))
            {
                var root = answer.RootElement;
                Assert.Equal("extractive", root.GetProperty("answerKind").GetString());
                var cited = root.GetProperty("citations").EnumerateArray().ToDictionary(c => c.GetProperty("n").GetInt32(), c => c.GetProperty("text").GetString()!);
                var quotes = ExtractiveQuotes.Parse(root.GetProperty("answer").GetString()!);
                Assert.NotEmpty(quotes);
                Assert.All(quotes, q => Assert.Contains(q.Sentence, cited[q.N], StringComparison.Ordinal));
                Assert.Contains(quotes, q => q.Sentence.Contains("hashed", StringComparison.Ordinal));
            }

            var refused = await RagAsync(home, "ask", "q", "--collection", "e2e", "--api-key", "rag_wrong_key_0000000000000000");
            Assert.Equal(4, refused.ExitCode);

            // eval: SQuAD paragraphs ingested as documents, questions asked, metrics reported.
            var eval = await RagAsync(home, "eval", "squad", squad, "--collection", "squad-e2e", "--ingest", "--k", "1,3", "--max-tokens", "8");
            Assert.True(eval.ExitCode == 0, Describe(eval, home));
            Assert.Matches(@"questions asked\s+\S*\s*3", eval.StandardOutput);
            Assert.Contains("retrieval hit@3", eval.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("answer F1", eval.StandardOutput, StringComparison.Ordinal);

            var status = await RagAsync(home, "status");
            Assert.True(status.ExitCode == 0, Describe(status, home));
            Assert.Equal(4, Regex.Count(status.StandardOutput, "SERVING"));
            Assert.Contains("ready", status.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(Invariant(pids["gateway"]), status.StandardOutput, StringComparison.Ordinal);

            // A crashed generator: status says so; extractive answers need no generator and still come, a generative
            // one is refused clearly.
            ProcessSignals.KillHard(pids["generator"]);
            Assert.True(await ProcessSignals.WaitForExitAsync(pids["generator"], HostDll("generator"), TimeSpan.FromSeconds(10), CancellationToken.None));
            var partial = await RagAsync(home, "status");
            Assert.Equal(1, partial.ExitCode);
            Assert.Matches(@"generator\s.*stopped", partial.StandardOutput);
            var quoted = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e");
            Assert.True(quoted.ExitCode == 0, Describe(quoted, home));
            Assert.Contains("Extractive answer", quoted.StandardError, StringComparison.Ordinal);
            var generative = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e", "--answer", "generative", "--max-tokens", "8");
            Assert.True(generative.ExitCode != 0, Describe(generative, home));
            Assert.Contains("Generator", generative.StandardError, StringComparison.Ordinal);

            // up again, like `docker compose up`: only the dead generator is started, on its port; the rest keep running.
            var recovered = await RagAsync(home, "up", "--port", "18080", "--timeout", "180");
            Assert.True(recovered.ExitCode == 0, Describe(recovered, home));
            Assert.Contains("Started again: generator.", recovered.StandardError, StringComparison.Ordinal);
            var after = RecordedPids(home);
            Assert.All(Services.Where(s => s != "generator"), s => Assert.Equal(pids[s], after[s]));
            Assert.NotEqual(pids["generator"], after["generator"]);
            Assert.True(ProcessSignals.IsRunning(after["generator"], HostDll("generator")));
            pids["generator"] = after["generator"];
            Assert.Contains($"gateway  {gateway}", recovered.StandardOutput, StringComparison.Ordinal);
            var healthy = await RagAsync(home, "status");
            Assert.True(healthy.ExitCode == 0, Describe(healthy, home));
            var written = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e", "--answer", "generative", "--max-tokens", "8");
            Assert.True(written.ExitCode == 0, Describe(written, home));
            Assert.DoesNotContain("degraded", written.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Extractive answer", written.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            var down = await RagAsync(home, "down", "--timeout", "20");
            var leftovers = pids.Where(p => ProcessSignals.IsRunning(p.Value, HostDll(p.Key))).ToList();
            foreach (var (_, pid) in leftovers)
            {
                ProcessSignals.KillHard(pid);
            }

            Assert.True(down.ExitCode == 0, Describe(down, home));
            Assert.Empty(leftovers);
        }

        var stopped = await RagAsync(home, "status");
        Assert.Equal(3, stopped.ExitCode);
        Assert.False(File.Exists(Path.Combine(home.Path, "platform.json")));
    }

    /// <summary>The pid of each service as `rag up` recorded it in the state directory.</summary>
    private static Dictionary<string, int> RecordedPids(TemporaryDirectory home) =>
        RagPlatform.Cli.Platform.PlatformRecord.Read(Path.Combine(home.Path, "platform.json"))!.Services
            .Where(s => s.Pid is not null).ToDictionary(s => s.Name, s => s.Pid!.Value);

    private static Task<CommandResult> RagAsync(TemporaryDirectory home, params string[] args) =>
        // `env` gives rag a clean view: its own state directory, no gateway or key inherited from whoever runs the tests.
        ExternalCommand.RunAsync("env", ["-u", "RAG_GATEWAY", "-u", "RAG_API_KEY", "-u", "RAG_MODELS_DIR", $"RAG_HOME={home.Path}",
            "dotnet", TestPaths.ServiceDll("services/Cli", "rag"), .. args], TestPaths.RepoRoot, CommandBound);

    private static string HostDll(string service) => ServiceInstance.Parse(service)!.Value.Service.HostDllName;

    private static string Describe(CommandResult result, TemporaryDirectory home)
    {
        var logs = Directory.Exists(Path.Combine(home.Path, "logs"))
            ? string.Join('\n', Directory.EnumerateFiles(Path.Combine(home.Path, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"))
            : "(no logs)";
        return $"{result.Command} exited {result.ExitCode}\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}\n{logs}";
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
