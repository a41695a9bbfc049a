using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RagPlatform.OpenAi.Tests;

/// <summary>The OpenAI-compatible routes on the wire: rerank (no SDK has it), the stream's framing, the error object everywhere.</summary>
[Trait("Category", "EndToEnd")]
[Collection(OpenAiFixture.Collection)]
public sealed class OpenAiHttpTests(OpenAiFixture fixture)
{
    private static readonly TimeSpan Bound = OpenAiFixture.Bound;

    [Fact]
    public async Task Rerank_TopNResultsBestFirst_ScoresInZeroOne_DocumentsWhenAsked_ForgedSaid()
    {
        string[] documents = ["Etna is a volcano.", "The Danube is a river.", "Glaciers are ice.", "Sicily is an island."];

        using var response = await PostAsync("rerank", new { query = "volcano in Sicily", documents, top_n = 2, return_documents = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        var scores = results.Select(r => r.GetProperty("relevance_score").GetSingle()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
        Assert.All(results, r => Assert.Equal(documents[r.GetProperty("index").GetInt32()], r.GetProperty("document").GetProperty("text").GetString()));
        Assert.True(body.RootElement.GetProperty("forged").GetBoolean());
    }

    [Fact]
    public async Task Rerank_DocumentObjectsWithoutReturnDocuments_EveryIndexOnceNoText()
    {
        using var response = await PostAsync("rerank", new { query = "ice", documents = new[] { new { text = "Glaciers are ice." }, new { text = "Lava is hot." } } });

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = body.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1], results.Select(r => r.GetProperty("index").GetInt32()).Order());
        Assert.All(results, r => Assert.False(r.TryGetProperty("document", out _)));
    }

    [Fact]
    public async Task Embeddings_FloatAndBase64_SameVectors()
    {
        using var asFloats = await PostAsync("embeddings", new { model = fixture.EmbedderModel, input = "Etna", encoding_format = "float" });
        using var asBase64 = await PostAsync("embeddings", new { model = fixture.EmbedderModel, input = new[] { "Etna" }, encoding_format = "base64" });

        using var floats = JsonDocument.Parse(await asFloats.Content.ReadAsStringAsync());
        using var base64 = JsonDocument.Parse(await asBase64.Content.ReadAsStringAsync());
        var vector = floats.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String(base64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(vector, Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)));
        Assert.True(floats.RootElement.GetProperty("forged").GetBoolean());
    }

    [Fact]
    public async Task ChatStream_OnTheWire_DataEventsThenDone_UsageChunkWhenAsked()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/chat/completions")
        {
            Content = Json(new
            {
                model = "rag:docs", stream = true, stream_options = new { include_usage = true },
                messages = new[] { new { role = "user", content = "Where does the Danube flow?" } },
            }),
        };

        using var response = await fixture.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Bound);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.True(last.GetProperty("usage").GetProperty("total_tokens").GetInt32() >= 0);
        var final = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", final.GetProperty("finish_reason").GetString());
        Assert.NotEmpty(final.GetProperty("delta").GetProperty("citations").EnumerateArray());
    }

    [Theory]
    [InlineData("POST", "embeddings", "{not json", 400, "invalid_request_error")]
    [InlineData("POST", "embeddings", """{"model":"nope","input":"x"}""", 404, "model_not_found")]
    [InlineData("POST", "embeddings", """{"model":"m","input":[1,2,3]}""", 400, "invalid_request_error")]
    [InlineData("POST", "embeddings", """{"input":"x","surprise":1}""", 400, "invalid_request_error")]
    [InlineData("POST", "chat/completions", """{"model":"rag:docs","messages":[{"role":"tool","content":"x"}]}""", 400, "invalid_request_error")]
    [InlineData("POST", "chat/completions", """{"model":"rag:nowhere","messages":[{"role":"user","content":"x"}]}""", 404, "model_not_found")]
    [InlineData("POST", "chat/completions", """{"model":"rag:docs","messages":[{"role":"user","content":"x"}],"n":2}""", 400, "invalid_request_error")]
    [InlineData("POST", "rerank", """{"query":"x","documents":"not an array"}""", 400, "invalid_request_error")]
    [InlineData("GET", "embeddings", "", 404, "unknown_url")]
    [InlineData("GET", "nothing/here", "", 404, "unknown_url")]
    public async Task BadRequests_OpenAisErrorObject_NeverProblemJson(string method, string route, string body, int status, string typeOrCode)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/openai/v1/{route}");
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await fixture.Http.SendAsync(request).WaitAsync(Bound);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var e = error.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString()));
        Assert.Contains(typeOrCode, new[] { e.GetProperty("type").GetString(), e.GetProperty("code").GetString() });
    }

    [Fact]
    public async Task NoKey_401InvalidApiKey_OpenAisErrorObject()
    {
        using var anonymous = fixture.Platform.CreateClient(apiKey: "");

        using var response = await anonymous.GetAsync("/openai/v1/models").WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_api_key", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Models_ForgedExtensionOnModelServices()
    {
        using var response = await fixture.Http.GetAsync("/openai/v1/models").WaitAsync(Bound);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var embedder = body.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == fixture.EmbedderModel);
        Assert.True(embedder.GetProperty("forged").GetBoolean());
        Assert.Equal("model", embedder.GetProperty("object").GetString());
    }

    private static StringContent Json<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private Task<HttpResponseMessage> PostAsync<T>(string route, T body) => fixture.Http.PostAsync($"/openai/v1/{route}", Json(body)).WaitAsync(Bound);
}
