using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace RagPlatform.Gateway.Tests;

[Trait("Category", "Unit")]
public sealed class AuthenticationTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    public static TheoryData<string, string> ProtectedRoutes => new()
    {
        { "GET", "/v1/collections" },
        { "POST", "/v1/collections" },
        { "GET", "/v1/collections/docs" },
        { "DELETE", "/v1/collections/docs" },
        { "POST", "/v1/collections/docs/documents" },
        { "GET", "/v1/collections/docs/documents" },
        { "GET", "/v1/collections/docs/documents/a.txt" },
        { "DELETE", "/v1/collections/docs/documents/a.txt" },
        { "POST", "/v1/ask" },
        { "GET", "/v1/models" },
        { "GET", "/v1/keys" },
        { "POST", "/v1/keys" },
        { "DELETE", "/v1/keys/key_1" },
        { "GET", "/openapi/v1.json" },
        { "GET", "/v1/anything-else" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task NoKey_Unauthorized_WithBearerChallengeAndProblemJson(string method, string path)
    {
        using var client = factory.Client(key: null);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("rag_not_a_real_key_at_all_000000000")]
    [InlineData("")]
    [InlineData("rag_gateway_tests_admin_key_012345678")]
    public async Task WrongKey_Unauthorized(string key)
    {
        using var client = factory.Client(key: null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");

        using var response = await client.GetAsync("/v1/collections");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/app.css")]
    public async Task HealthAndStaticUi_NeedNoKey(string path)
    {
        using var client = factory.Client(key: null);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_OrchestratorDown_ServiceUnavailableProblem()
    {
        using var client = factory.Client(key: null);

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ui_ServedWithContentSecurityPolicy_AndItsControls()
    {
        using var client = factory.Client(key: null);

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("id=\"question\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"forged-warning\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrchestratorDown_CallsAnswerServiceUnavailableProblem()
    {
        using var client = factory.Client();

        using var response = await client.GetAsync("/v1/collections");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task RequestId_SafeCallerIdEchoed_UnsafeReplaced()
    {
        using var client = factory.Client();
        using var safe = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { { "X-Request-Id", "trace-42.a_b" } } };
        using var unsafeId = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { { "X-Request-Id", "<script>alert(1)</script>" } } };

        Assert.Equal("trace-42.a_b", (await client.SendAsync(safe)).Headers.GetValues("X-Request-Id").Single());
        Assert.Matches("^[0-9a-f]{16}$", (await client.SendAsync(unsafeId)).Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        using var client = factory.Client();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/v1/ask", paths);
        Assert.Contains("/v1/collections/{collection}/documents", paths);
        Assert.Contains("/v1/keys", paths);
        Assert.DoesNotContain("/healthz", paths);
    }

    [Theory]
    [InlineData("text/plain", "{\"collection\":\"docs\",\"question\":\"q\"}", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", "{\"collection\":\"docs\",", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"collection\":\"docs\",\"question\":\"q\",\"topK\":\"many\"}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"collection\":\"docs\",\"question\":\"q\",\"unknownOption\":1}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "[1,2,3]", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"collection\":\"docs\",\"question\":\"q\",\"mode\":\"psychic\"}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"collection\":\"docs\",\"question\":\"q\",\"timeoutSeconds\":-1}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"collection\":\"docs\"}", HttpStatusCode.BadRequest)]
    public async Task Ask_MalformedBody_ClientErrorProblemNamingTheCause(string contentType, string body, HttpStatusCode expected)
    {
        using var client = factory.Client();

        using var response = await client.PostAsync("/v1/ask", new StringContent(body, Encoding.UTF8, contentType));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("RagPlatform.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_BodyOverTheJsonLimit_PayloadTooLarge()
    {
        using var client = factory.Client();
        var body = JsonSerializer.Serialize(new { collection = "docs", question = new string('x', 100_000) });

        using var response = await client.PostAsync("/v1/ask", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Ask_InvalidUtf8_BadRequest()
    {
        using var client = factory.Client();
        var bytes = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync("/v1/ask", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ListDocuments_NonNumericPageSize_BadRequestProblem()
    {
        using var client = factory.Client();

        using var response = await client.GetAsync("/v1/collections/docs/documents?pageSize=lots");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateCollection_NoName_BadRequest()
    {
        using var client = factory.Client();

        using var response = await client.PostAsJsonAsync("/v1/collections", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
