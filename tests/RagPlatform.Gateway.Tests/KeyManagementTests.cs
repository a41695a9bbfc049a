using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagPlatform.Client;

namespace RagPlatform.Gateway.Tests;

[Trait("Category", "Unit")]
public sealed class KeyManagementTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    [Fact]
    public async Task KeyForOneCollection_ForbiddenEverywhereElse_AllowedThere()
    {
        using var admin = factory.Client();
        var secret = await CreateKeyAsync(admin, "reader of alpha", ["alpha"], admin: false);
        using var client = factory.Client(secret);

        foreach (var (method, path) in new[]
        {
            ("GET", "/v1/collections/beta"), ("DELETE", "/v1/collections/beta"), ("GET", "/v1/collections/beta/documents"),
            ("GET", "/v1/collections/beta/documents/x.txt"), ("DELETE", "/v1/collections/beta/documents/x.txt"),
        })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode}");
        }

        using (var ask = await client.PostAsJsonAsync("/v1/ask", new { collection = "beta", question = "q" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, ask.StatusCode);
        }

        using (var create = await client.PostAsJsonAsync("/v1/collections", new { name = "beta" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }

        using (var upload = await client.PostAsync("/v1/collections/beta/documents", Multipart("a.txt", "text")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        }

        // Its own collection passes authorization and reaches the (absent) orchestrator.
        using var allowed = await client.GetAsync("/v1/collections/alpha");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, allowed.StatusCode);
    }

    [Fact]
    public async Task NonAdminKey_CannotManageKeys()
    {
        using var admin = factory.Client();
        var secret = await CreateKeyAsync(admin, "plain", ["*"], admin: false);
        using var client = factory.Client(secret);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/v1/keys", new { name = "x", collections = new[] { "*" } })).StatusCode);
    }

    [Fact]
    public async Task Keys_StoredOnlyAsHashes_RevokedKeyStopsWorking()
    {
        using var admin = factory.Client();
        var secret = await CreateKeyAsync(admin, "temporary", ["alpha"], admin: false);
        var listed = JsonDocument.Parse(await admin.GetStringAsync("/v1/keys")).RootElement.GetProperty("keys").EnumerateArray().ToList();
        var id = listed.Single(k => k.GetProperty("name").GetString() == "temporary").GetProperty("id").GetString();

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = Directory.EnumerateFiles(factory.DataDirectory).Select(File.ReadAllBytes).SelectMany(b => b).ToArray();
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayFactory.AdminKey, Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.All(listed, k => Assert.False(k.TryGetProperty("key", out _)));

        using var client = factory.Client(secret);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/collections")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/collections")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/keys/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"collections\":[\"a\"]}")]
    [InlineData("{\"name\":\"ok\",\"collections\":[]}")]
    [InlineData("{\"name\":\"ok\",\"collections\":[\"../etc\"]}")]
    [InlineData("{\"name\":\"ok\"}")]
    public async Task CreateKey_InvalidBody_BadRequest(string body)
    {
        using var admin = factory.Client();

        using var response = await admin.PostAsync("/v1/keys", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<string> CreateKeyAsync(HttpClient client, string name, string[] collections, bool admin)
    {
        var created = await new RagPlatformClient(client).CreateKeyAsync(new CreateKeyRequest(name, collections) { Admin = admin });
        Assert.Equal((name, admin), (created.Details.Name, created.Details.Admin));
        var secret = created.Key;
        Assert.StartsWith("rag_", secret, StringComparison.Ordinal);
        return secret;
    }

    private static MultipartFormDataContent Multipart(string fileName, string text) => new()
    {
        { new StringContent(text), "file", fileName },
    };
}
