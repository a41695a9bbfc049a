using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Interop.Tests.Infrastructure;

/// <summary>
/// A real Kestrel host on a free loopback port with the platform's own gRPC server defaults (AddGrpcServer: options,
/// shared-token authentication, the exception interceptor, health, reflection) serving InteropTest.
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    /// <summary>The grpc.health.v1 name of the test service, SERVING once the host has started.</summary>
    public const string HealthService = "ragtest.v1.InteropTest";

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, TestLogSink logs, string address)
    {
        _app = app;
        Logs = logs;
        Address = address;
    }

    /// <summary>"http://127.0.0.1:port".</summary>
    public string Address { get; }

    /// <summary>"127.0.0.1:port", as grpc-js wants it.</summary>
    public string Target => new Uri(Address).Authority;

    public TestLogSink Logs { get; }

    /// <summary>The calls this server saw (by call_id).</summary>
    public CallRecorder Recorder => _app.Services.GetRequiredService<CallRecorder>();

    public static async Task<GrpcTestServer> StartAsync(Action<GrpcServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Grpc:Url"] = "http://127.0.0.1:0";
        builder.Configuration["Grpc:EnableReflection"] = "true";
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        var logs = new TestLogSink();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddGrpcServer();
        if (configure is not null)
        {
            builder.Services.PostConfigure(configure);
        }

        builder.Services.AddServiceReadiness(HealthService);
        builder.Services.AddSingleton<CallRecorder>();
        var app = builder.Build();
        app.MapGrpcService<InteropTestService>().RequireAuthorization();
        app.MapGrpcServerDefaults();
        await app.StartAsync().DefaultTimeout();
        app.Services.GetRequiredService<ServiceReadiness>().Set(HealthService, ready: true);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcTestServer(app, logs, address);
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options ?? new GrpcChannelOptions());

    /// <summary>An HttpClient speaking HTTP/2 prior knowledge, for hand-made (malformed) requests.</summary>
    public static HttpClient CreateRawClient() => new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TestTimeouts.Default,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
