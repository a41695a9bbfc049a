using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagPlatform.Grpc;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.ServiceDefaults;

/// <summary>The cross-cutting setup every RagPlatform service host calls first.</summary>
public static class Extensions
{
    /// <summary>Configuration key that switches console logs to one JSON object per line.</summary>
    public const string JsonLogsKey = "Logging:Json";

    /// <summary>
    /// Console logging (JSON when <c>Logging:Json</c> is true), metrics, the gRPC transport on a cleartext HTTP/2
    /// endpoint (<c>Grpc:Url</c>), the health registry, a shutdown grace period (<c>Host:ShutdownTimeout</c>, 30 s
    /// by default, during which Kestrel lets in-flight calls finish) and the process's ONNX Runtime session factory
    /// (section <c>OnnxRuntime</c>: execution provider, log level).
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.AddHostDefaults();
        builder.WebHost.UseGrpcEndpoint();
        builder.Services.AddGrpcTransport();
        builder.Services.AddSingleton(sp => CreateOnnxSessionFactory(sp.GetRequiredService<IConfiguration>()));
        return builder;
    }

    /// <summary>
    /// What every host shares, gRPC or not: console logging (JSON when <c>Logging:Json</c> is true), metrics and traces
    /// (exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set) and the shutdown grace period
    /// (<c>Host:ShutdownTimeout</c>).
    /// </summary>
    public static WebApplicationBuilder AddHostDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.ClearProviders();
        if (builder.Configuration.GetValue<bool>(JsonLogsKey))
        {
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "O");
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        builder.Services.AddMetrics();
        builder.AddTelemetry();
        builder.Services.Configure<HostOptions>(builder.Configuration.GetSection("Host"));
        return builder;
    }

    /// <summary>Maps grpc.health.v1 (Check and Watch) over the <see cref="HealthStatusRegistry"/>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcHealth();
        return app;
    }

    /// <summary>
    /// Runs the host until shutdown and returns the process exit code: 0 after a clean stop, 1 when start-up
    /// failed (bad options, missing model or native library) or the model failed to load. The reason is logged.
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var name = app.Environment.ApplicationName;
        await using (app)
        {
            try
            {
                await app.RunAsync();
                return Environment.ExitCode;
            }
            catch (Exception ex)
            {
                // The host has logged the failure and disposed its services (loggers included): one plain line to
                // stderr guarantees the reason reaches whoever started the process.
                await Console.Error.WriteLineAsync($"{name} failed to start: {ex.Message}");
                return 1;
            }
        }
    }

    private static OnnxSessionFactory CreateOnnxSessionFactory(IConfiguration configuration)
    {
        var options = configuration.GetSection(OnnxRuntimeOptions.SectionName).Get<OnnxRuntimeOptions>() ?? new OnnxRuntimeOptions();
        try
        {
            return OnnxSessionFactory.Create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ModelStartupException(ex.Message, ex);
        }
    }
}
