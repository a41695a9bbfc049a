using System.Reflection;

namespace RagPlatform.Gateway.Apis;

/// <summary>The web UI: three static files embedded in the assembly, so the gateway serves them from wherever it runs.</summary>
public static class UiApi
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "ui/index.html", "text/html; charset=utf-8"),
        ("/app.js", "ui/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "ui/app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapUi(this IEndpointRouteBuilder app)
    {
        var assembly = typeof(UiApi).Assembly;
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(assembly, resource);
            app.MapGet(path, (HttpContext context) =>
            {
                // The page holds no data; forbid framing and inline script injection paths anyway.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The UI resource '{resource}' is not embedded in {assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
