using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using RagPlatform.Contracts.V1;

namespace RagPlatform.Bench.GeneratorService;

/// <summary>The Generator host as a child process on a free port, ready once it logs SERVING.</summary>
internal sealed partial class GeneratorHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly GrpcChannel _channel;

    private GeneratorHost(Process process, string address)
    {
        _process = process;
        _channel = GrpcChannel.ForAddress(address);
    }

    public static async Task<GeneratorHost> StartAsync(string hostDll, string modelDirectory, int sequences)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(hostDll)! };
        start.ArgumentList.Add(hostDll);
        start.Environment["Grpc__Url"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__RagPlatform.ModelHosting"] = "Information";
        start.Environment["Generator__ModelDirectory"] = modelDirectory;
        start.Environment["Generator__IntraOpThreads"] = "2";
        start.Environment["Generator__MaxConcurrentSequences"] = sequences.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var address = new TaskCompletionSource<string>();
        var serving = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (Listening().Match(e.Data) is { Success: true } m)
            {
                address.TrySetResult(m.Groups[1].Value);
            }

            if (e.Data.Contains("SERVING", StringComparison.Ordinal))
            {
                serving.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await address.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await serving.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return new GeneratorHost(process, url);
    }

    public async IAsyncEnumerable<int> StreamAsync(int tokens, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new GenerateRequest { Prompt = "Retrieval-augmented generation answers questions by", MaxNewTokens = tokens };
        using var call = new Generator.GeneratorClient(_channel).Generate(request, new CallOptions(cancellationToken: cancellationToken));
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return chunk.TokenIds.Count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
