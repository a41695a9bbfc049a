using System.Text.Json;
using ModelContextProtocol;
using RagPlatform.Client;
using RagPlatform.ServiceDefaults;

namespace RagPlatform.Gateway.Mcp;

/// <summary>
/// The gateway's MCP server at /mcp (streamable HTTP, stateless so any gateway replica serves any call). It sits behind
/// the same pipeline as the HTTP API: a request without a valid API key is refused with 401 before MCP sees it, each
/// request takes from the key's rate bucket, and each tool checks the key's access to the collection it names.
/// </summary>
public static class McpExtensions
{
    public const string Path = "/mcp";

    public static IServiceCollection AddGatewayMcp(this IServiceCollection services)
    {
        services.AddValidatedOptions<McpOptions>(McpOptions.SectionName, o => o.Validate());
        services.AddHttpContextAccessor();
        // Tool results are the HTTP API's own records, written with its generated JSON context.
        var json = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        json.TypeInfoResolverChain.Insert(0, RagPlatformJsonContext.Default);
        services.AddMcpServer(server => server.ServerInfo = new() { Name = "RagPlatform", Version = typeof(McpExtensions).Assembly.GetName().Version?.ToString() ?? "1.0" })
            .WithHttpTransport(http => http.Stateless = true)
            .WithTools<PlatformTools>(json);
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).WithTags("MCP").ExcludeFromDescription();
        return app;
    }
}
