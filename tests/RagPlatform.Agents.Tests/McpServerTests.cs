using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace RagPlatform.Agents.Tests;

/// <summary>The gateway's MCP server through the MCP SDK's own client over streamable HTTP.</summary>
[Trait("Category", "EndToEnd")]
[Collection(AgentsPlatformCollection.Name)]
public sealed class McpServerTests(AgentsPlatformFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ListTools_WithKey_ListsCollectionsSearchAndAsk()
    {
        await using var client = await ConnectAsync(fixture.Platform.ApiKey);

        var tools = await client.ListToolsAsync().AsTask().WaitAsync(Bound);

        Assert.Equal(["ask", "list_collections", "search"], tools.Select(t => t.Name).Order());
        var search = tools.Single(t => t.Name == "search").ProtocolTool.InputSchema;
        Assert.Equal(["collection", "k", "mode", "query"], search.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task ListCollections_RestrictedKey_SeesOnlyItsCollection()
    {
        await using var client = await ConnectAsync(fixture.RestrictedKey);

        var result = await CallAsync(client, "list_collections", []);

        Assert.True(result.IsError is not true, Text(result));
        var listed = JsonSerializer.Deserialize(Text(result), RagPlatformJsonContext.Default.CollectionList)!;
        Assert.Equal([AgentsPlatformFixture.OtherCollection], listed.Collections.Select(c => c.Name));
    }

    [Fact]
    public async Task Ask_UploadedDocument_AnswerCitesIt()
    {
        await using var client = await ConnectAsync(fixture.Platform.ApiKey);

        var result = await CallAsync(client, "ask", new() { ["collection"] = AgentsPlatformFixture.Collection, ["question"] = AgentsPlatformFixture.Question });

        Assert.True(result.IsError is not true, Text(result));
        var answer = JsonSerializer.Deserialize(Text(result), RagPlatformJsonContext.Default.AnswerResource)!;
        Assert.Contains("lava", answer.Answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(answer.Citations, c => c.Referenced && c.DocumentId == AgentsPlatformFixture.DocumentId);
        Assert.Contains(answer.AnswerKind, new[] { AnswerKinds.Generative, AnswerKinds.Extractive });
    }

    [Fact]
    public async Task Search_UploadedDocument_ReturnsItsPassageWithSectionAndScore()
    {
        await using var client = await ConnectAsync(fixture.Platform.ApiKey);

        var result = await CallAsync(client, "search", new() { ["collection"] = AgentsPlatformFixture.Collection, ["query"] = "lava cools quickly", ["k"] = 2 });

        Assert.True(result.IsError is not true, Text(result));
        var found = JsonSerializer.Deserialize(Text(result), RagPlatformJsonContext.Default.SearchResult)!;
        Assert.InRange(found.Passages.Count, 1, 2);
        var best = found.Passages[0];
        Assert.Equal(AgentsPlatformFixture.DocumentId, best.DocumentId);
        Assert.Equal(["Volcanic rocks", "Basalt"], best.SectionPath);
        Assert.Contains("lava cools quickly", best.Text, StringComparison.Ordinal);
        Assert.True(best.Score > 0);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(51, null)]
    [InlineData(3, "semantic")]
    public async Task Search_ArgumentOutOfBounds_IsAToolErrorNamingIt(int k, string? mode)
    {
        await using var client = await ConnectAsync(fixture.Platform.ApiKey);

        var result = await CallAsync(client, "search", new() { ["collection"] = AgentsPlatformFixture.Collection, ["query"] = "basalt", ["k"] = k, ["mode"] = mode });

        Assert.True(result.IsError is true);
        Assert.Contains(mode is null ? "k must be between 1 and 50" : "mode must be hybrid, dense or lexical", Text(result));
    }

    [Fact]
    public async Task Ask_CollectionTheKeyCannotRead_IsAToolError()
    {
        await using var client = await ConnectAsync(fixture.RestrictedKey);

        var result = await CallAsync(client, "ask", new() { ["collection"] = AgentsPlatformFixture.Collection, ["question"] = AgentsPlatformFixture.Question });

        Assert.True(result.IsError is true);
        Assert.Contains($"may not use the collection '{AgentsPlatformFixture.Collection}'", Text(result));
        // The session survives the refusal: the next call on it works.
        Assert.True((await CallAsync(client, "list_collections", [])).IsError is not true);
    }

    [Fact]
    public async Task Ask_UnknownCollection_IsAToolErrorSayingNotFound()
    {
        await using var client = await ConnectAsync(fixture.Platform.ApiKey);

        var result = await CallAsync(client, "ask", new() { ["collection"] = "no-such-collection", ["question"] = AgentsPlatformFixture.Question });

        Assert.True(result.IsError is true);
        Assert.Contains("Not found (404)", Text(result));
    }

    [Fact]
    public async Task Connect_WithoutKey_IsRefusedWith401()
    {
        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => ConnectAsync(apiKey: null));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutKey_Is401WithBearerChallenge()
    {
        using var http = fixture.Platform.CreateClient(apiKey: "");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The README's curl call: one JSON-RPC POST, no session and no initialize (the server is stateless).</summary>
    [Fact]
    public async Task Post_ToolsCallWithoutSession_AnswersInOneResponse()
    {
        using var http = fixture.Platform.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"collection":"geology","query":"lava","k":1}}}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request).WaitAsync(Bound);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(AgentsPlatformFixture.DocumentId, body, StringComparison.Ordinal);
    }

    /// <summary>The README's mcp.json server entry, as an editor would read it: its URL (on this gateway's port) and headers.</summary>
    [Fact]
    public async Task ReadmeMcpJson_ServerEntry_ConnectsAndListsTools()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var block = readme[(readme.IndexOf("```json\n{\n  \"inputs\"", StringComparison.Ordinal) + "```json".Length)..];
        var entry = JsonDocument.Parse(block[..block.IndexOf("```", StringComparison.Ordinal)]).RootElement.GetProperty("servers").GetProperty("ragplatform");
        var headers = entry.GetProperty("headers").EnumerateObject()
            .ToDictionary(h => h.Name, h => h.Value.GetString()!.Replace("${input:rag-key}", fixture.Platform.ApiKey, StringComparison.Ordinal));
        var url = new UriBuilder(entry.GetProperty("url").GetString()!) { Port = fixture.GatewayUri.Port }.Uri;

        Assert.Equal("http", entry.GetProperty("type").GetString());
        await using var client = await ConnectAsync(url, headers);
        Assert.Contains((await client.ListToolsAsync().AsTask().WaitAsync(Bound)), t => t.Name == "ask");
    }

    private Task<McpClient> ConnectAsync(string? apiKey) => ConnectAsync(new Uri(fixture.GatewayUri, "/mcp"),
        apiKey is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" });

    private static async Task<McpClient> ConnectAsync(Uri endpoint, Dictionary<string, string>? headers)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport).WaitAsync(Bound);
    }

    private static async Task<CallToolResult> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments) =>
        await client.CallToolAsync(tool, arguments).AsTask().WaitAsync(Bound);

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
