using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace RagPlatform.Fault.Tests.Fuzz;

/// <summary>
/// Hostile HTTP against the gateway's OpenAI-compatible routes (/openai/v1): random and malformed JSON, wrong types in
/// every field, unknown models, oversized inputs (10,000 rerank documents, too many texts, huge messages and bodies),
/// wrong content types, methods and paths. Every input must get a 2xx or a 4xx carrying OpenAI's error object
/// ({"error":{"message","type","code"}}, never problem+json), never a 5xx, and every service must still be alive.
/// </summary>
[Trait("Category", "Fault")]
[Collection(FuzzCollection.Name)]
public sealed class OpenAiFuzzTests(FuzzPlatformFixture fixture, ITestOutputHelper output)
{
    private const string Base = "/openai/v1/";

    [Fact]
    public async Task HostileOpenAiRequests_NeverA5xx_AlwaysOpenAiErrorObjectFor4xx()
    {
        var embedder = await EmbedderModelAsync();
        var cases = JsonCases(embedder).Concat(OversizedCases(embedder)).Concat(PathCases()).ToList();
        var failures = new List<string>();
        var fiveHundreds = 0;
        foreach (var (name, build) in cases)
        {
            using var request = build();
            if (request.Content?.Headers.ContentLength > 1024 * 1024)
            {
                request.Headers.ExpectContinue = true;
            }

            using var response = await fixture.Http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(120));
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                fiveHundreds++;
                failures.Add($"{name}: {status} {body}");
            }
            else if (status >= 400 && !IsOpenAiError(response, body))
            {
                failures.Add($"{name}: {status} without OpenAI's error object ({response.Content.Headers.ContentType}): {Truncate(body)}");
            }
        }

        TestReport.Write("fuzz", $"openai: {cases.Count} hostile HTTP inputs tried on /openai/v1, {fiveHundreds} 5xx responses");
        output.WriteLine($"{cases.Count} inputs, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
        await fixture.AssertAllAliveAsync();
    }

    private async Task<string> EmbedderModelAsync()
    {
        using var models = JsonDocument.Parse(await fixture.Http.GetStringAsync(Base + "models"));
        return models.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "embedder").GetProperty("id").GetString()!;
    }

    private static bool IsOpenAiError(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("error");
            return error.GetProperty("message").ValueKind == JsonValueKind.String && error.GetProperty("type").ValueKind == JsonValueKind.String
                && error.TryGetProperty("code", out _) && error.TryGetProperty("param", out _);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static IEnumerable<(string, Func<HttpRequestMessage>)> JsonCases(string embedder)
    {
        var random = new Random(20261204);
        foreach (var route in new[] { "embeddings", "chat/completions", "rerank" })
        {
            for (var i = 0; i < 40; i++)
            {
                var bytes = new byte[random.Next(0, 600)];
                random.NextBytes(bytes);
                yield return ($"{route} random bytes #{i}", () => Json(route, bytes));
            }

            yield return ($"{route} nesting 5000", () => Json(route, Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000))));
            yield return ($"{route} truncated", () => Json(route, "{\"model\":\"x\",\"inp"u8.ToArray()));
            yield return ($"{route} invalid utf-8", () => Json(route, [.. "{\"model\":\""u8, 0xff, 0xfe, 0xc3, 0x28, .. "\"}"u8]));
            yield return ($"{route} json null", () => Json(route, "null"u8.ToArray()));
            foreach (var type in new[] { "text/plain", "application/xml", "multipart/form-data", "" })
            {
                yield return ($"{route} as '{type}'", () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, Base + route) { Content = new ByteArrayContent("{\"model\":\"x\"}"u8.ToArray()) };
                    if (type.Length > 0)
                    {
                        request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                    }

                    return request;
                });
            }
        }

        string[] shapes = ["null", "true", "-1", "0", "1e400", "-9223372036854775809", "18446744073709551616", "\"\"", "\"x\"", "[]", "[1,2]", "[[1]]", "{}", "{\"a\":1}", "[{\"text\":1}]", "[{\"text\":\"\\ud800\"}]", "[{\"type\":\"text\",\"text\":\"\\udfff\"}]", "\"\\ud800\"", "\"\\u0000\""];
        var bases = new (string Route, string Body, string[] Fields)[]
        {
            ("embeddings", $"\"model\":\"{embedder}\",\"input\":\"basalt\"", ["model", "input", "encoding_format", "dimensions", "user", "input_type", "unknown_field"]),
            ("chat/completions", "\"model\":\"rag:fuzz\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"How does basalt form?\"}]",
                ["model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "seed", "stop", "stream", "stream_options", "n", "tools",
                 "tool_choice", "response_format", "logprobs", "frequency_penalty", "logit_bias", "unknown_field"]),
            ("rerank", "\"query\":\"basalt\",\"documents\":[\"Basalt is volcanic.\",\"Ice\"]", ["model", "query", "documents", "top_n", "return_documents", "unknown_field"]),
        };
        foreach (var (route, body, fields) in bases)
        {
            foreach (var field in fields)
            {
                foreach (var value in shapes)
                {
                    // The field last: a repeated name replaces the valid value with the hostile one.
                    yield return ($"{route} {field}={Truncate(value)}", () => Json(route, Encoding.UTF8.GetBytes($"{{{body},\"{field}\":{value}}}")));
                }
            }
        }

        string[] messages =
        [
            "[{\"role\":\"tool\",\"content\":\"x\"}]", "[{\"role\":\"user\"}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]",
            "[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"1\"}]}]", "[{\"role\":\"system\",\"content\":\"only a system message\"}]", "[null]",
            "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\\udfff\"}]}]", "[{\"role\":\"\\ud800\",\"content\":\"x\"}]",
        ];
        foreach (var value in messages)
        {
            yield return ($"chat messages={Truncate(value)}", () => Json("chat/completions", Encoding.UTF8.GetBytes($"{{\"model\":\"rag:fuzz\",\"messages\":{value}}}")));
        }

        foreach (var model in new[] { "gpt-4o", "rag:", "rag:nope", "rag:../../etc", "rag:Fuzz", "", "rag:" + new string('c', 3000), embedder })
        {
            yield return ($"chat model '{Truncate(model)}'", () => Json("chat/completions", Encoding.UTF8.GetBytes(
                $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}")));
            yield return ($"embeddings model '{Truncate(model)}'", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"input\":\"hi\"}}")));
            yield return ($"rerank model '{Truncate(model)}'", () => Json("rerank", Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"query\":\"q\",\"documents\":[\"d\"]}}")));
        }
    }

    private static IEnumerable<(string, Func<HttpRequestMessage>)> OversizedCases(string embedder)
    {
        string Texts(int count, int length) => "[" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"{new string('w', length)} {i}\"")) + "]";
        yield return ("rerank 10,000 documents", () => Json("rerank", Encoding.UTF8.GetBytes($"{{\"query\":\"basalt\",\"documents\":{Texts(10_000, 8)}}}")));
        yield return ("rerank 10,000 document objects", () => Json("rerank", Encoding.UTF8.GetBytes(
            $"{{\"query\":\"basalt\",\"documents\":[{string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"{{\"text\":\"doc {i}\"}}"))}]}}")));
        yield return ("rerank query 200k chars", () => Json("rerank", Encoding.UTF8.GetBytes($"{{\"query\":\"{new string('q', 200_000)}\",\"documents\":[\"d\"]}}")));
        yield return ("rerank document 200k chars", () => Json("rerank", Encoding.UTF8.GetBytes($"{{\"query\":\"q\",\"documents\":{Texts(1, 200_000)}}}")));
        yield return ("rerank top_n 1e9", () => Json("rerank", "{\"query\":\"q\",\"documents\":[\"d\"],\"top_n\":1000000000}"u8.ToArray()));
        yield return ("embeddings 10,000 inputs", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{embedder}\",\"input\":{Texts(10_000, 4)}}}")));
        yield return ("embeddings 257 inputs", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{embedder}\",\"input\":{Texts(257, 4)}}}")));
        yield return ("embeddings input 200k chars", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{embedder}\",\"input\":\"{new string('e', 200_000)}\"}}")));
        yield return ("embeddings token arrays", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{embedder}\",\"input\":[[1,2,3]]}}")));
        yield return ("embeddings 10 MB body", () => Json("embeddings", Encoding.UTF8.GetBytes($"{{\"model\":\"{embedder}\",\"input\":\"{new string('e', 10 * 1024 * 1024)}\"}}")));
        yield return ("chat 65 messages", () => Json("chat/completions", Encoding.UTF8.GetBytes(
            $"{{\"model\":\"rag:fuzz\",\"messages\":[{string.Join(',', Enumerable.Repeat("{\"role\":\"user\",\"content\":\"hi\"}", 65))}]}}")));
        yield return ("chat message 200k chars", () => Json("chat/completions", Encoding.UTF8.GetBytes(
            $"{{\"model\":\"rag:fuzz\",\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('m', 200_000)}\"}}]}}")));
        yield return ("chat question over the ask limit", () => Json("chat/completions", Encoding.UTF8.GetBytes(
            $"{{\"model\":\"rag:fuzz\",\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('m', 5_000)}\"}}]}}")));
        yield return ("chat max_tokens 1e6", () => Json("chat/completions", "{\"model\":\"rag:fuzz\",\"max_tokens\":1000000,\"messages\":[{\"role\":\"user\",\"content\":\"basalt\"}]}"u8.ToArray()));
        yield return ("chat 5 stops", () => Json("chat/completions", "{\"model\":\"rag:fuzz\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"u8.ToArray()));
    }

    private static IEnumerable<(string, Func<HttpRequestMessage>)> PathCases()
    {
        string[] paths = ["/openai/v1/models", "/openai/v1/embeddings", "/openai/v1/chat/completions", "/openai/v1/rerank", "/openai/v1/completions",
            "/openai/v1/models/x", "/openai/v2/models", "/openai", "/openai/v1/%2e%2e/v1/keys", "/openai/v1/" + new string('p', 3000)];
        foreach (var path in paths)
        {
            foreach (var method in new[] { "GET", "PUT", "DELETE", "PATCH" })
            {
                yield return ($"{method} {Truncate(path)}", () => new HttpRequestMessage(new HttpMethod(method), path));
            }
        }
    }

    private static HttpRequestMessage Json(string route, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, Base + route) { Content = content };
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
