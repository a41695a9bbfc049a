using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;

namespace RagPlatform.Fault.Tests.Fuzz;

/// <summary>
/// Hostile gRPC straight at every method of every internal service (Embedder, Reranker, Generator, and the
/// orchestrator's Collections and Answers): empty and random messages, lying frame lengths, a compressed flag
/// without an encoding, a 2 GiB length prefix, invalid UTF-8 in string fields, over-limit requests (10,000
/// passages to rerank), unknown methods. Each must end with a deliberate status, never UNKNOWN (an unhandled
/// exception), and every process must survive.
/// </summary>
[Trait("Category", "Fault")]
[Collection(FuzzCollection.Name)]
public sealed class GrpcFuzzTests(FuzzPlatformFixture fixture)
{
    [Fact]
    public async Task HostileCalls_EveryMethod_DeliberateStatusNeverUnknown()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };
        var failures = new List<string>();
        var tried = 0;
        foreach (var (service, descriptor) in Services())
        {
            var address = $"http://127.0.0.1:{fixture.Platform.Port(service)}";
            foreach (var method in descriptor.Methods)
            {
                foreach (var (name, body) in Bodies(method))
                {
                    tried++;
                    var status = await CallAsync(http, $"{address}/{descriptor.FullName}/{method.Name}", body);
                    if (status is null or "2")
                    {
                        failures.Add($"{descriptor.FullName}/{method.Name} {name}: grpc-status {status ?? "missing"}");
                    }
                }
            }

            tried++;
            if (await CallAsync(http, $"{address}/{descriptor.FullName}/NoSuchMethod", Frame([])) != "12")
            {
                failures.Add($"{descriptor.FullName}/NoSuchMethod: not UNIMPLEMENTED");
            }
        }

        foreach (var (name, status) in await SemanticCasesAsync(http))
        {
            tried++;
            if (status is null or "2" or "0")
            {
                failures.Add($"{name}: grpc-status {status ?? "missing"}");
            }
        }

        TestReport.Write("fuzz", $"grpc: {tried} hostile calls tried on 5 services, {failures.Count} ended UNKNOWN or without a status");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
        await fixture.AssertAllAliveAsync();
    }

    private static IEnumerable<(PlatformService, ServiceDescriptor)> Services() =>
    [
        (PlatformService.Embedder, EmbedderReflection.Descriptor.Services[0]),
        (PlatformService.Reranker, RerankerReflection.Descriptor.Services[0]),
        (PlatformService.Generator, GeneratorReflection.Descriptor.Services[0]),
        (PlatformService.Orchestrator, CollectionsReflection.Descriptor.Services[0]),
        (PlatformService.Orchestrator, AnswersReflection.Descriptor.Services[0]),
    ];

    private static IEnumerable<(string, byte[])> Bodies(MethodDescriptor method)
    {
        var random = new Random(method.FullName.GetHashCode(StringComparison.Ordinal));
        yield return ("no message", []);
        yield return ("empty message", Frame([]));
        yield return ("length longer than body", [0, 0, 0, 1, 0, 1, 2, 3]);
        yield return ("length shorter than body", [0, 0, 0, 0, 1, 8, 8, 8, 8]);
        yield return ("compressed flag, no encoding", [1, 0, 0, 0, 2, 8, 1]);
        yield return ("2 GiB length prefix", [0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
        yield return ("two messages for a unary call", [.. Frame([]), .. Frame([])]);
        yield return ("invalid UTF-8 in field 1", Frame([0x0a, 0x03, 0xff, 0xfe, 0xc3]));
        yield return ("invalid UTF-8 in field 2", Frame([0x12, 0x02, 0xc0, 0xaf]));
        yield return ("wrong wire type", Frame([0x0d, 0x01, 0x02, 0x03, 0x04]));
        yield return ("unterminated varint", Frame([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
        yield return ("deep group nesting", Frame([.. Enumerable.Repeat((byte)0x0b, 200)]));
        for (var i = 0; i < 25; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            yield return ($"random message #{i}", Frame(bytes));
        }
    }

    /// <summary>Well-formed messages that break the services' own limits.</summary>
    private async Task<List<(string, string?)>> SemanticCasesAsync(HttpClient http)
    {
        string Url(PlatformService service, string path) => $"http://127.0.0.1:{fixture.Platform.Port(service)}/{path}";
        var rerank = new RerankRequest { Query = "basalt" };
        rerank.Passages.AddRange(Enumerable.Range(0, 10_000).Select(i => $"passage number {i}"));
        var embed = new EmbedRequest();
        embed.Texts.AddRange(Enumerable.Range(0, 5_000).Select(i => $"text {i}"));
        var cases = new List<(string, IMessage, string)>
        {
            ("rerank 10,000 passages", rerank, Url(PlatformService.Reranker, "rag.v1.Reranker/Rerank")),
            ("embed 5,000 texts", embed, Url(PlatformService.Embedder, "rag.v1.Embedder/Embed")),
            ("embed an empty text", new EmbedRequest { Texts = { "" } }, Url(PlatformService.Embedder, "rag.v1.Embedder/Embed")),
            ("generate 300k-character prompt", new GenerateRequest { Prompt = new string('p', 300_000) }, Url(PlatformService.Generator, "rag.v1.Generator/Generate")),
            ("generate temperature NaN", new GenerateRequest { Prompt = "hi", Sampling = new SamplingParameters { Temperature = float.NaN } }, Url(PlatformService.Generator, "rag.v1.Generator/Generate")),
            ("generate 100 stop strings", new GenerateRequest { Prompt = "hi", Stop = { Enumerable.Repeat("x", 100) } }, Url(PlatformService.Generator, "rag.v1.Generator/Generate")),
            ("upload with traversal", new UploadDocumentRequest { Collection = "fuzz", FileName = "../../x.txt", Content = ByteString.CopyFromUtf8("x") }, Url(PlatformService.Orchestrator, "rag.v1.Collections/UploadDocument")),
            ("upload to a bad collection", new UploadDocumentRequest { Collection = "../x", FileName = "a.txt", Content = ByteString.CopyFromUtf8("x") }, Url(PlatformService.Orchestrator, "rag.v1.Collections/UploadDocument")),
            ("ask top_k 5000", new AskRequest { Collection = "fuzz", Question = "q", TopK = 5000 }, Url(PlatformService.Orchestrator, "rag.v1.Answers/Ask")),
            ("ask unknown mode", new AskRequest { Collection = "fuzz", Question = "q", Mode = (RetrievalMode)99 }, Url(PlatformService.Orchestrator, "rag.v1.Answers/Ask")),
            ("ask unknown answer kind", new AskRequest { Collection = "fuzz", Question = "q", Answer = (AnswerKind)7 }, Url(PlatformService.Orchestrator, "rag.v1.Answers/Ask")),
            ("list page_size -1", new ListDocumentsRequest { Collection = "fuzz", PageSize = -1 }, Url(PlatformService.Orchestrator, "rag.v1.Collections/ListDocuments")),
        };
        var results = new List<(string, string?)>();
        foreach (var (name, message, url) in cases)
        {
            results.Add((name, await CallAsync(http, url, Frame(message.ToByteArray()))));
        }

        return results;
    }

    /// <summary>One raw gRPC call over HTTP/2; returns grpc-status from the trailers (or the headers, trailers-only).</summary>
    private static async Task<string?> CallAsync(HttpClient http, string url, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "30S");
        using var response = await http.SendAsync(request);
        await response.Content.CopyToAsync(Stream.Null);
        return response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.First() : null;
    }

    private static byte[] Frame(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }
}
