using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.ServiceDefaults.Grpc;
using ProbeRunner = RagPlatform.HealthProbe.HealthProbe;

namespace RagPlatform.Deployment.Tests.Probe;

/// <summary>The image health probe against real servers: a gRPC host with the repo's health service, and an HTTP host.</summary>
[Trait("Category", "Unit")]
public sealed class HealthProbeTests : IAsyncLifetime
{
    private const string Token = "internal-token-0123456789";
    private WebApplication? _grpc;
    private WebApplication? _http;
    private string _grpcUrl = "";
    private string _httpUrl = "";

    public async Task InitializeAsync()
    {
        var grpc = WebApplication.CreateSlimBuilder();
        grpc.Logging.ClearProviders();
        grpc.Configuration["Grpc:Url"] = "http://127.0.0.1:0";
        // The services require the shared token on every call but health: the probe never has it.
        grpc.Configuration["Grpc:SharedToken"] = Token;
        grpc.AddGrpcServer();
        grpc.Services.AddServiceReadiness("rag.v1.Ready").AddServiceReadiness("rag.v1.Loading");
        _grpc = grpc.Build();
        _grpc.MapGrpcServerDefaults();
        await _grpc.StartAsync();
        _grpcUrl = AddressOf(_grpc);
        var readiness = _grpc.Services.GetRequiredService<ServiceReadiness>();
        readiness.Set("rag.v1.Ready", ready: true);
        readiness.Set("rag.v1.Loading", ready: false);

        var http = WebApplication.CreateSlimBuilder();
        http.Logging.ClearProviders();
        http.WebHost.UseUrls("http://127.0.0.1:0");
        _http = http.Build();
        _http.MapGet("/healthz", () => Results.Ok());
        _http.MapGet("/readyz", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        _http.MapGet("/moved", () => Results.Redirect("/healthz"));
        await _http.StartAsync();
        _httpUrl = AddressOf(_http);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _grpc, _http })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("rag.v1.Ready", ProbeRunner.Healthy)]
    [InlineData("", ProbeRunner.Healthy)]
    [InlineData("rag.v1.Loading", ProbeRunner.Unhealthy)]
    [InlineData("rag.v1.Unknown", ProbeRunner.Unhealthy)]
    public async Task Grpc_ExitCodeFollowsTheServingStatus(string service, int expected)
    {
        // A generous timeout: what is under test is the exit code for each status, not the probe's speed on a loaded machine.
        var (code, output) = await RunAsync(["grpc", _grpcUrl, service, "--timeout", "30"]);

        Assert.Equal(expected, code);
        Assert.Contains(_grpcUrl, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_NothingListening_IsUnhealthyWithinTheTimeout()
    {
        var (code, output) = await RunAsync(["grpc", $"http://127.0.0.1:{ClosedPort()}", "rag.v1.Ready", "--timeout", "2"]);

        Assert.Equal(ProbeRunner.Unhealthy, code);
        Assert.Contains("Unavailable", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/healthz", ProbeRunner.Healthy)]
    [InlineData("/readyz", ProbeRunner.Unhealthy)]
    [InlineData("/missing", ProbeRunner.Unhealthy)]
    [InlineData("/moved", ProbeRunner.Unhealthy)]
    public async Task Http_HealthyOnlyOn2xx(string path, int expected)
    {
        var (code, _) = await RunAsync(["http", _httpUrl.TrimEnd('/') + path, "--timeout", "30"]);

        Assert.Equal(expected, code);
    }

    [Fact]
    public async Task Http_NothingListening_IsUnhealthy()
    {
        var (code, _) = await RunAsync(["http", $"http://127.0.0.1:{ClosedPort()}/healthz", "--timeout", "2"]);

        Assert.Equal(ProbeRunner.Unhealthy, code);
    }

    // Arguments separated by '|'.
    [Theory]
    [InlineData("")]
    [InlineData("grpc")]
    [InlineData("tcp|http://127.0.0.1:1")]
    [InlineData("grpc|https://127.0.0.1:1")]
    [InlineData("grpc|127.0.0.1:50051")]
    [InlineData("http|http://127.0.0.1:1/healthz|extra")]
    [InlineData("grpc|http://127.0.0.1:1|svc|extra")]
    [InlineData("grpc|http://127.0.0.1:1|--timeout|0")]
    [InlineData("grpc|http://127.0.0.1:1|--timeout")]
    public async Task BadArguments_AreAUsageError(string args)
    {
        var (code, output) = await RunAsync(args.Split('|', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ProbeRunner.UsageError, code);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ReadsTheServiceAndTimeout()
    {
        Assert.True(RagPlatform.HealthProbe.ProbeRequest.TryParse(["grpc", "http://127.0.0.1:50051", "rag.v1.Embedder", "--timeout", "1.5"], out var request, out _));

        Assert.Equal(new RagPlatform.HealthProbe.ProbeRequest(RagPlatform.HealthProbe.ProbeKind.Grpc, new Uri("http://127.0.0.1:50051"), "rag.v1.Embedder", TimeSpan.FromSeconds(1.5)), request);
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var code = await ProbeRunner.RunAsync(args, output, output, timeout.Token);
        return (code, output.ToString());
    }

    private static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
