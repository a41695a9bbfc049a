using System.Text.RegularExpressions;
using RagPlatform.Client;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Apis;

/// <summary>/v1/keys: admin keys create, list and revoke API keys. A new key's secret is returned once.</summary>
public static partial class KeysApi
{
    [GeneratedRegex("^([a-z0-9_-]{1,64}|\\*)$")]
    private static partial Regex CollectionOrAll();

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/keys").WithTags("Keys");
        group.MapPost("", Create).WithSummary("Creates an API key for some collections (\"*\": all). The secret is in this response only.")
            .Produces<CreatedKey>(StatusCodes.Status201Created).ProducesProblem(403);
        group.MapGet("", List).WithSummary("Lists API keys (never their secrets).").Produces<KeyList>();
        group.MapDelete("/{id}", Delete).WithSummary("Revokes an API key.").Produces(StatusCodes.Status204NoContent).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> Create(HttpContext context, IApiKeyStore keys)
    {
        RequireAdmin(context);
        var body = await JsonBody.ReadAsync<CreateKeyRequest>(context);
        var name = body.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            throw GatewayProblem.BadRequest("name must be 1 to 100 printable characters.");
        }

        var collections = body.Collections ?? [];
        if (collections.Count is 0 or > 1000 || collections.Any(c => c is null || !CollectionOrAll().IsMatch(c)))
        {
            throw GatewayProblem.BadRequest("collections must list 1 to 1000 collection names, or \"*\" for all.");
        }

        var (key, secret) = await keys.CreateAsync(name, [.. collections.Distinct()], body.Admin == true, context.RequestAborted);
        return Results.Created($"/v1/keys/{key.Id}", new CreatedKey(secret, key.ToResource()));
    }

    private static async Task<KeyList> List(HttpContext context, IApiKeyStore keys)
    {
        RequireAdmin(context);
        return new KeyList([.. (await keys.ListAsync(context.RequestAborted)).Select(ResourceMapping.ToResource)]);
    }

    private static async Task<IResult> Delete(string id, HttpContext context, IApiKeyStore keys)
    {
        RequireAdmin(context);
        return await keys.DeleteAsync(id, context.RequestAborted) ? Results.NoContent() : throw GatewayProblem.NotFound($"There is no API key '{id}'.");
    }

    private static void RequireAdmin(HttpContext context)
    {
        if (!ApiKeyAuthentication.RequireKey(context).Admin)
        {
            throw GatewayProblem.Forbidden("Managing API keys needs an admin key.");
        }
    }
}
