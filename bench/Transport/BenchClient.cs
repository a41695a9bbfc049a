using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RagPlatform.Bench.Transport.Protos;

namespace RagPlatform.Bench.Transport;

internal sealed record BenchClientArgs(Uri Target, string Mode, int Concurrency, TimeSpan Duration, int PayloadSize)
{
    public static BenchClientArgs Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        return new BenchClientArgs(
            new Uri(Get("target", "http://127.0.0.1:5000")),
            Get("mode", "unary"),
            int.Parse(Get("concurrency", "1"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Get("seconds", "5"), CultureInfo.InvariantCulture)),
            int.Parse(Get("payload", "100"), CultureInfo.InvariantCulture));
    }
}

internal static class BenchClient
{
    public static async Task<int> RunAsync(BenchClientArgs args)
    {
        // As the platform's clients: extra HTTP/2 connections when one's streams are saturated.
        using var channel = GrpcChannel.ForAddress(args.Target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        });
        var client = new Protos.Bench.BenchClient(channel);
        var payload = new Payload { Data = ByteString.CopyFrom(new byte[args.PayloadSize]) };
        await client.UnaryAsync(payload); // connect before timing
        var line = args.Mode == "stream"
            ? await StreamAsync(client, args)
            : await UnaryAsync(client, payload, args);
        Console.WriteLine(line);
        return 0;
    }

    private static async Task<string> UnaryAsync(Protos.Bench.BenchClient client, Payload payload, BenchClientArgs args)
    {
        // One second of warm-up (JIT, connection windows), then the measured window.
        await RunCallersAsync(client, payload, args.Concurrency, TimeSpan.FromSeconds(1));
        var started = Stopwatch.GetTimestamp();
        var latencies = await RunCallersAsync(client, payload, args.Concurrency, args.Duration);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"calls\":{all.Length},\"callsPerSecond\":{all.Length / elapsed:F0},\"p50Ms\":{Percentile(all, 0.50):F3},\"p99Ms\":{Percentile(all, 0.99):F3},\"serverGc\":{(GCSettings.IsServerGC ? "true" : "false")}}}");
    }

    private static async Task<List<double>[]> RunCallersAsync(Protos.Bench.BenchClient client, Payload payload, int concurrency, TimeSpan duration)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                await client.UnaryAsync(payload);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return latencies;
        })));
    }

    private static async Task<string> StreamAsync(Protos.Bench.BenchClient client, BenchClientArgs args)
    {
        using var cts = new CancellationTokenSource(args.Duration);
        using var call = client.Stream(new StreamRequest { Count = int.MaxValue, Size = args.PayloadSize }, cancellationToken: cts.Token);
        var started = Stopwatch.GetTimestamp();
        long messages = 0;
        try
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync(cts.Token))
            {
                messages++;
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{{\"messages\":{messages},\"messagesPerSecond\":{messages / elapsed:F0}}}");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
