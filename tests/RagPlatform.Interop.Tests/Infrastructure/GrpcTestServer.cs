using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Infrastructure;

/// <summary>A real Kestrel host on a free loopback port serving InteropTest and Health over cleartext HTTP/2.</summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
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

    public CallRecorder Recorder => _app.Services.GetRequiredService<CallRecorder>();

    public HealthStatusRegistry Health => _app.Services.GetRequiredService<HealthStatusRegistry>();

    public static async Task<GrpcTestServer> StartAsync(Action<GrpcServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseGrpcEndpoint("http://127.0.0.1:0").UseShutdownTimeout(TimeSpan.FromSeconds(5));
        var logs = new TestLogSink();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddGrpcTransport(configure);
        builder.Services.AddSingleton<CallRecorder>();
        builder.Services.AddSingleton<InteropTestService>();
        var app = builder.Build();
        app.MapGrpcService<InteropTestService>(InteropTestReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("InteropTest"));
        app.MapGrpcHealth();
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GrpcTestServer(app, logs, address);
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

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
