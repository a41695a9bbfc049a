using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using RagPlatform.Deployment.Tests.Infrastructure;
using RagPlatform.Testing;
using Xunit.Abstractions;

namespace RagPlatform.Deployment.Tests.Compose;

/// <summary>
/// The compose stack for real: build the images, `docker compose up --wait` (which returns only once every health check
/// passes), the basic flow through the gateway against Qdrant, then `docker compose down -v`. Skipped, with the reason,
/// where no Docker engine runs (as on the build machines).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ComposeEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StackTimeout = TimeSpan.FromMinutes(40);

    [DockerFact]
    public async Task ComposeStack_StartsHealthyAndAnswersThroughTheGateway()
    {
        await TestAssets.EnsureTinyModelsAsync();
        var apiKey = "rag_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["RAG_SHARED_TOKEN"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            ["RAG_BOOTSTRAP_API_KEY"] = apiKey,
            ["RAG_MODELS_DIR"] = TestAssets.TinyModels,
            ["RAG_GATEWAY_BIND"] = "127.0.0.1",
            ["RAG_GATEWAY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RAG_VERSION"] = "e2e",
        };
        string[] compose = ["compose", "--project-name", $"rag-e2e-{Guid.NewGuid():N}"[..20], "--file", ComposeChecks.ComposePath];
        try
        {
            var up = await Tools.RunAsync("docker", [.. compose, "up", "--detach", "--build", "--wait", "--wait-timeout", "900"], StackTimeout, environment);
            output.WriteLine(up.Output);
            Assert.True(up.ExitCode == 0, $"docker compose up failed:\n{up.Output}");

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
            await RunBasicFlowAsync(client, apiKey);
        }
        finally
        {
            var logs = await Tools.RunAsync("docker", [.. compose, "logs", "--no-color", "--tail", "200"], TimeSpan.FromMinutes(2), environment);
            output.WriteLine(logs.Output);
            var down = await Tools.RunAsync("docker", [.. compose, "down", "--volumes", "--remove-orphans"], TimeSpan.FromMinutes(5), environment);
            output.WriteLine(down.Output);
        }
    }

    /// <summary>Create a collection, upload a document, wait until it is indexed, ask about it.</summary>
    private async Task RunBasicFlowAsync(HttpClient client, string apiKey)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/collections")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        var created = await client.PostAsJsonAsync("/v1/collections", new { name = "deploy-e2e" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var upload = new MultipartFormDataContent
        {
            {
                new StringContent("# Deployment\n\nThe gateway is the only service with a published port. Qdrant stores the vectors.\n"),
                "file", "deployment.md"
            },
        };
        var accepted = await client.PostAsync("/v1/collections/deploy-e2e/documents", upload);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var documentId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents")[0].GetProperty("documentId").GetString();

        var state = "";
        for (var attempt = 0; attempt < 240 && state is not ("indexed" or "failed"); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var document = await client.GetFromJsonAsync<JsonElement>($"/v1/collections/deploy-e2e/documents/{documentId}");
            state = document.GetProperty("state").GetString();
            output.WriteLine($"document {documentId}: {state}");
        }

        Assert.Equal("indexed", state);
        var answer = await client.PostAsJsonAsync("/v1/ask", new { collection = "deploy-e2e", question = "Which service has a published port?" });
        var body = await answer.Content.ReadAsStringAsync();
        output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("usage").GetProperty("retrievedPassages").GetInt32() >= 1, "nothing was retrieved from Qdrant");
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("answer").GetString()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
