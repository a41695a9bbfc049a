using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>Runs one of the tests/node/transformers oracle scripts on a JSON request, installing it first if needed.</summary>
internal static class NodeOracle
{
    // The setup script is a fast no-op when node_modules matches the lock file; run it once per test run.
    private static readonly Lazy<Task> Installed = new(() => TestAssets.RunSetupAsync("transformers-js.sh"));

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    public static async Task<JsonNode> RunAsync(string script, object request)
    {
        await EnsureInstalledAsync();
        var workDir = Directory.CreateTempSubdirectory("rag-oracle-");
        try
        {
            var requestFile = Path.Combine(workDir.FullName, "request.json");
            var responseFile = Path.Combine(workDir.FullName, "response.json");
            await File.WriteAllTextAsync(requestFile, JsonSerializer.Serialize(request));
            (await ExternalCommand.RunAsync("node", [script, requestFile, responseFile], TestAssets.TransformersJsDir, RunTimeout)).EnsureSuccess();
            return JsonNode.Parse(await File.ReadAllTextAsync(responseFile), documentOptions: new JsonDocumentOptions { MaxDepth = 512 })!;
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }

    private static Task EnsureInstalledAsync() => Installed.Value;
}
