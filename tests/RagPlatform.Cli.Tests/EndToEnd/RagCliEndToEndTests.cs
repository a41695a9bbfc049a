using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using RagPlatform.Cli.Platform;
using RagPlatform.Cli.Tests.Evaluation;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.EndToEnd;

/// <summary>
/// The built `rag` (dotnet rag.dll) as a user runs it: `up` with no model arguments starts the five real services as
/// detached processes under a temporary RAG_HOME (the real embedder, the forged reranker and generator), then ingest,
/// ask, eval and status go through the real gateway, and `down` must leave no process behind.
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
        var port = FreePort();
        var pids = new Dictionary<string, int>();
        try
        {
            // up: every service healthy, URLs and key printed, the forged models (reranker, generator) called out.
            var up = await RagAsync(home, "up", "--port", Invariant(port), "--grpc-port-base", "0", "--timeout", "180");
            Assert.True(up.ExitCode == 0, Describe(up, home));
            var key = File.ReadAllText(Path.Combine(home.Path, "api-key")).Trim();
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home.Path, "api-key")));
            }

            Assert.Contains($"gateway  http://127.0.0.1:{port}", up.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"web UI   http://127.0.0.1:{port}/", up.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(key, up.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("FORGED", up.StandardError, StringComparison.Ordinal);
            foreach (var service in Services)
            {
                pids[service] = int.Parse(File.ReadAllText(Path.Combine(home.Path, "pids", service + ".pid")).Trim(), CultureInfo.InvariantCulture);
                Assert.True(ProcessControl.IsRunning(pids[service], HostDll(service)), $"{service} (pid {pids[service]}) is not running.\n{Describe(up, home)}");
            }

            // The default embedder is the real one; only the reranker and the generator are forged.
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                var models = await GatewayClient.JsonOf(await http.GetAsync("/v1/models"), HttpStatusCode.OK);
                var forged = models.GetProperty("services").EnumerateArray().ToDictionary(m => m.GetProperty("role").GetString()!, m => m.GetProperty("forged").GetBoolean());
                Assert.Equal(new Dictionary<string, bool> { ["embedder"] = false, ["reranker"] = true, ["generator"] = true }, forged);
            }

            var again = await RagAsync(home, "up", "--port", Invariant(port), "--grpc-port-base", "0");
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
            ProcessControl.KillHard(pids["generator"]);
            Assert.True(await ProcessControl.WaitForExitAsync(pids["generator"], HostDll("generator"), TimeSpan.FromSeconds(10), CancellationToken.None));
            var partial = await RagAsync(home, "status");
            Assert.Equal(1, partial.ExitCode);
            Assert.Matches(@"generator\s.*stopped", partial.StandardOutput);
            var quoted = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e");
            Assert.True(quoted.ExitCode == 0, Describe(quoted, home));
            Assert.Contains("Extractive answer", quoted.StandardError, StringComparison.Ordinal);
            var generative = await RagAsync(home, "ask", "How are API keys stored?", "--collection", "e2e", "--answer", "generative", "--max-tokens", "8");
            Assert.True(generative.ExitCode != 0, Describe(generative, home));
            Assert.Contains("Generator", generative.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            var down = await RagAsync(home, "down", "--timeout", "20");
            var leftovers = pids.Where(p => ProcessControl.IsRunning(p.Value, HostDll(p.Key))).ToList();
            foreach (var (_, pid) in leftovers)
            {
                ProcessControl.KillHard(pid);
            }

            Assert.True(down.ExitCode == 0, Describe(down, home));
            Assert.Empty(leftovers);
        }

        var after = await RagAsync(home, "status");
        Assert.Equal(3, after.ExitCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(home.Path, "pids")));
    }

    private static Task<CommandResult> RagAsync(TemporaryDirectory home, params string[] args) =>
        // `env` gives rag a clean view: its own state directory, no gateway or key inherited from whoever runs the tests.
        ExternalCommand.RunAsync("env", ["-u", "RAG_GATEWAY", "-u", "RAG_API_KEY", "-u", "RAG_MODELS_DIR", $"RAG_HOME={home.Path}",
            "dotnet", TestPaths.ServiceDll("services/Cli", "rag"), .. args], TestPaths.RepoRoot, CommandBound);

    private static string HostDll(string service) => $"RagPlatform.{char.ToUpperInvariant(service[0])}{service[1..]}.dll";

    private static string Describe(CommandResult result, TemporaryDirectory home)
    {
        var logs = Directory.Exists(Path.Combine(home.Path, "logs"))
            ? string.Join('\n', Directory.EnumerateFiles(Path.Combine(home.Path, "logs")).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"))
            : "(no logs)";
        return $"{result.Command} exited {result.ExitCode}\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}\n{logs}";
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
