using System.Diagnostics;
using System.Text.Json;
using RagPlatform.Interop.Tests.Infrastructure;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Interop.Tests.Interop;

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<InteropFixture>
{
    public const string Name = "grpc-js interop";
}

/// <summary>
/// For the whole interop collection: node_modules installed, our C# servers (plain, gzip, token) on
/// free ports, and the grpc-js server.js as a real child process.
/// </summary>
public sealed class InteropFixture : IAsyncLifetime
{
    public const string SharedToken = "interop-shared-token-0123456789";

    private Process? _node;

    public GrpcTestServer CSharpServer { get; private set; } = null!;

    public GrpcTestServer CSharpGzipServer { get; private set; } = null!;

    /// <summary>Requires <see cref="SharedToken"/> (Grpc:SharedToken) on every call but health.</summary>
    public GrpcTestServer CSharpTokenServer { get; private set; } = null!;

    /// <summary>"http://127.0.0.1:port" of the grpc-js server.</summary>
    public string NodeAddress { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await NodeProcess.EnsureInstalledAsync();
        CSharpServer = await GrpcTestServer.StartAsync();
        CSharpGzipServer = await GrpcTestServer.StartAsync(o => o.ResponseCompression = GrpcCompression.Gzip);
        CSharpTokenServer = await GrpcTestServer.StartAsync(o => o.SharedToken = SharedToken);
        _node = NodeProcess.StartServer();
        var line = await _node.StandardOutput.ReadLineAsync().DefaultTimeout();
        if (line is null)
        {
            throw new InvalidOperationException("node server.js exited early: " + await _node.StandardError.ReadToEndAsync().DefaultTimeout());
        }

        using var ports = JsonDocument.Parse(line);
        NodeAddress = $"http://127.0.0.1:{ports.RootElement.GetProperty("port").GetInt32()}";
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            // Closing stdin asks server.js to exit; kill it if it does not.
            _node.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _node.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _node.Kill(entireProcessTree: true);
            }

            _node.Dispose();
        }

        await CSharpServer.DisposeAsync();
        await CSharpGzipServer.DisposeAsync();
        await CSharpTokenServer.DisposeAsync();
    }
}
