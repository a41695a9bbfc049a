using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RagPlatform.Contracts.V1;
using RagPlatform.ModelServices.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Telemetry;

/// <summary>
/// A model service started with the standard OTEL_* variables exports its traces and metrics over OTLP/HTTP to a
/// collector on loopback: the request's span (named after the gRPC method) and our own meters arrive.
/// </summary>
[Trait("Category", "Interop")]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Reranker_OtlpEndpointSet_ExportsTheCallsSpanAndOurMeters()
    {
        await ModelServiceHosts.EnsureAssetsAsync();
        using var collector = OtlpCollector.Start();
        await using var service = await ServiceProcess.StartAsync(ModelServiceHosts.Reranker(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "500"),
            ("OTEL_BSP_SCHEDULE_DELAY", "200")));
        var client = new Contracts.V1.Reranker.RerankerClient(service.Channel);

        await client.RerankAsync(new RerankRequest { Query = "capital of France", Passages = { "Paris is the capital of France." } }, Calls.Bounded());

        var traces = await collector.WaitForAsync("/v1/traces", "rag.v1.Reranker/Rerank", TimeSpan.FromSeconds(30));
        // rag.model.batch.size: the model service's own meter, exported beside the host's.
        var metrics = await collector.WaitForAsync("/v1/metrics", "rag.model.batch.size", TimeSpan.FromSeconds(30));
        // rpc.server.call.duration: every gRPC host's call metrics, on meter RagPlatform.Rpc.Server.
        await collector.WaitForAsync("/v1/metrics", "RagPlatform.Rpc.Server", TimeSpan.FromSeconds(30));
        Assert.Contains("RagPlatform.Reranker", traces, StringComparison.Ordinal); // service.name
        Assert.Contains("RagPlatform.Reranker", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Received("/v1/traces"), body => body.Contains("grpc.health.v1", StringComparison.Ordinal));
    }

    /// <summary>
    /// An OTLP/HTTP receiver that keeps each request body as text (protobuf strings are readable in it); answers 200
    /// with an empty body, which OTLP reads as full success.
    /// </summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _requests = new();

        private OtlpCollector(int port)
        {
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
        }

        public string Endpoint { get; }

        public static OtlpCollector Start()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var collector = new OtlpCollector(port);
            collector._listener.Start();
            _ = collector.ServeAsync();
            return collector;
        }

        public IReadOnlyList<string> Received(string path) => [.. _requests.Where(r => r.Path == path).Select(r => r.Body)];

        public async Task<string> WaitForAsync(string path, string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (Received(path).FirstOrDefault(b => b.Contains(text, StringComparison.Ordinal)) is { } body)
                {
                    return body;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"No OTLP export to {path} mentioned '{text}' within {timeout}; received {_requests.Count} requests: " +
                string.Join(", ", _requests.Select(r => r.Path)));
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return; // stopped
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _requests.Enqueue((context.Request.Url!.AbsolutePath, Encoding.Latin1.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
