using RagPlatform.Client;
using RagPlatform.Contracts.V1;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Apis;

/// <summary>/v1/collections: create, list, get, delete. A key sees and touches only the collections it may use.</summary>
public static class CollectionsApi
{
    public static IEndpointRouteBuilder MapCollectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/collections").WithTags("Collections");
        group.MapPost("", CreateAsync).WithSummary("Creates an empty collection.")
            .Produces<CollectionResource>(StatusCodes.Status201Created).ProducesProblem(409);
        group.MapGet("", ListAsync).WithSummary("Lists the collections this key may use.").Produces<CollectionList>();
        group.MapGet("/{collection}", GetAsync).WithSummary("Describes one collection.").Produces<CollectionResource>().ProducesProblem(404);
        group.MapDelete("/{collection}", DeleteAsync).WithSummary("Deletes a collection with all its documents and chunks.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404);
        return app;
    }

    /// <summary>The request's key must be allowed <paramref name="collection"/>; 403 otherwise.</summary>
    internal static void Authorize(HttpContext context, string collection)
    {
        if (!ApiKeyAuthentication.RequireKey(context).CanUse(collection))
        {
            throw GatewayProblem.Forbidden($"This API key may not use the collection '{collection}'.");
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, Collections.CollectionsClient collections)
    {
        var body = await JsonBody.ReadAsync<Client.CreateCollectionRequest>(context);
        if (string.IsNullOrEmpty(body.Name))
        {
            throw GatewayProblem.BadRequest("name is required.");
        }

        Authorize(context, body.Name);
        var created = await collections.CreateCollectionAsync(new Contracts.V1.CreateCollectionRequest { Name = body.Name }, CallDeadline.For(context));
        return Results.Created($"/v1/collections/{created.Name}", created.ToResource());
    }

    private static async Task<CollectionList> ListAsync(HttpContext context, Collections.CollectionsClient collections)
    {
        var key = ApiKeyAuthentication.RequireKey(context);
        var all = await collections.ListCollectionsAsync(new ListCollectionsRequest(), CallDeadline.For(context));
        return new CollectionList([.. all.Collections.Where(c => key.CanUse(c.Name)).Select(ResourceMapping.ToResource)]);
    }

    private static async Task<CollectionResource> GetAsync(string collection, HttpContext context, Collections.CollectionsClient collections)
    {
        Authorize(context, collection);
        return (await collections.GetCollectionAsync(new GetCollectionRequest { Name = collection }, CallDeadline.For(context))).ToResource();
    }

    private static async Task<IResult> DeleteAsync(string collection, HttpContext context, Collections.CollectionsClient collections)
    {
        Authorize(context, collection);
        await collections.DeleteCollectionAsync(new DeleteCollectionRequest { Name = collection }, CallDeadline.For(context));
        return Results.NoContent();
    }
}
