using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.ServiceDefaults;

/// <summary>The cross-cutting setup every RagPlatform host calls first.</summary>
public static class Extensions
{
    /// <summary>Configuration key that switches console logs to one JSON object per line.</summary>
    public const string JsonLogsKey = "Logging:Json";

    /// <summary>
    /// Console logging (JSON when <c>Logging:Json</c> is true), metrics and traces (exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set) and the shutdown grace period (<c>Host:ShutdownTimeout</c>, 30 s by
    /// default, during which Kestrel lets in-flight calls finish). gRPC hosts add <see cref="GrpcServerExtensions.AddGrpcServer"/>.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
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

    /// <summary>On a gRPC host: grpc.health.v1 and (when enabled) reflection. Other hosts map their own probes.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.HasGrpcServer())
        {
            app.MapGrpcServerDefaults();
        }

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
}
