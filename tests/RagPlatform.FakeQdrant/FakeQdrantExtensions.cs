using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace RagPlatform.FakeQdrant;

internal static class FakeQdrantExtensions
{
    /// <summary>Options, one HTTP/2 endpoint, the gRPC services behind the API-key check, and the shared state.</summary>
    public static WebApplicationBuilder AddFakeQdrant(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(FakeQdrantOptions.SectionName).Get<FakeQdrantOptions>() ?? new FakeQdrantOptions();
        if (options.Validate() is { } problem)
        {
            throw new OptionsValidationException(FakeQdrantOptions.SectionName, typeof(FakeQdrantOptions), [problem]);
        }

        builder.Services.AddSingleton(options);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<FakeStore>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiKeyInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
        });
        return builder;
    }

    public static WebApplication MapFakeQdrant(this WebApplication app)
    {
        app.MapGrpcService<FakeCollectionsService>();
        app.MapGrpcService<FakePointsService>();
        return app;
    }
}
