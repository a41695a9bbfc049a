using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>
/// A FAKE Qdrant for tests: an in-process Kestrel HTTP/1.1 server on 127.0.0.1 and a free port, serving only the
/// REST endpoints <see cref="QdrantIndex"/> uses, with Qdrant's semantics (<see cref="FakeQdrantStore"/>).
/// Every request body is validated against the request schema of its operation in Qdrant's OpenAPI document,
/// and every answer against the response schema before it is sent; each violation is recorded in
/// <see cref="Violations"/> (and answered with 400, or 500 for the fake's own mistakes) so tests can assert none.
/// </summary>
internal sealed class FakeQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OpenApiSchemaValidator _schema;
    private readonly FakeQdrantStore _store = new();
    private readonly string? _apiKey;

    private FakeQdrantServer(WebApplication app, OpenApiSchemaValidator schema, string? apiKey)
    {
        _app = app;
        _schema = schema;
        _apiKey = apiKey;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Schema violations seen so far, as "METHOD template: message".</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every served operation as "METHOD template", in arrival order.</summary>
    public ConcurrentQueue<string> Operations { get; } = new();

    public static async Task<FakeQdrantServer> StartAsync(OpenApiSchemaValidator schema, string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeQdrantServer(app, schema, apiKey);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method.ToLowerInvariant();
        var (template, collection) = Route(context.Request.Path.Value ?? "/");
        var status = 200;
        JsonNode body;
        try
        {
            if (_apiKey is not null && context.Request.Headers["api-key"] != _apiKey)
            {
                throw new FakeQdrantException(401, "Must provide an API key or an Authorization bearer token");
            }

            if (template is null)
            {
                throw new FakeQdrantException(404, $"The fake does not serve {context.Request.Path}");
            }

            Operations.Enqueue($"{method.ToUpperInvariant()} {template}");
            var request = await ReadRequestAsync(context, method, template);
            body = Envelope(Dispatch(method, template, collection!, request));
        }
        catch (FakeQdrantException e)
        {
            status = e.Status;
            body = new JsonObject { ["status"] = new JsonObject { ["error"] = e.Message }, ["time"] = 0.0 };
        }

        if (template is not null)
        {
            var violations = _schema.ValidateResponse(method, template, status, JsonSerializer.SerializeToElement(body));
            if (violations.Count > 0)
            {
                Record(method, template, "response", violations);
                status = 500;
                body = new JsonObject { ["status"] = new JsonObject { ["error"] = "The fake produced a response outside the schema" } };
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task<JsonObject> ReadRequestAsync(HttpContext context, string method, string template)
    {
        if (!_schema.HasRequestBody(method, template))
        {
            return [];
        }

        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            Record(method, template, "request", [$"not JSON: {e.Message}"]);
            throw new FakeQdrantException(400, $"Format error in JSON body: {e.Message}");
        }

        using (document)
        {
            var violations = _schema.ValidateRequest(method, template, document.RootElement);
            if (violations.Count > 0)
            {
                Record(method, template, "request", violations);
                throw new FakeQdrantException(400, "Format error in JSON body: " + string.Join("; ", violations));
            }

            return JsonNode.Parse(text)!.AsObject();
        }
    }

    private JsonNode Dispatch(string method, string template, string collection, JsonObject request) => (method, template) switch
    {
        ("get", "/collections") => _store.ListCollections(),
        ("get", "/collections/{collection_name}") => _store.Info(collection),
        ("put", "/collections/{collection_name}") => _store.Create(collection, request),
        ("delete", "/collections/{collection_name}") => _store.Delete(collection),
        ("get", "/collections/{collection_name}/exists") => _store.Exists(collection),
        ("put", "/collections/{collection_name}/index") => _store.CreateIndex(collection, request),
        ("put", "/collections/{collection_name}/points") => _store.Upsert(collection, request),
        ("post", "/collections/{collection_name}/points") => _store.Retrieve(collection, request),
        ("post", "/collections/{collection_name}/points/delete") => _store.DeletePoints(collection, request),
        ("post", "/collections/{collection_name}/points/batch") => _store.Batch(collection, request),
        ("post", "/collections/{collection_name}/points/count") => _store.Count(collection, request),
        ("post", "/collections/{collection_name}/points/query") => _store.Query(collection, request),
        _ => throw new FakeQdrantException(405, $"The fake does not serve {method.ToUpperInvariant()} {template}"),
    };

    private static (string? Template, string? Collection) Route(string path)
    {
        var parts = path.Trim('/').Split('/');
        return parts switch
        {
            ["collections"] => ("/collections", null),
            ["collections", var name] => ("/collections/{collection_name}", name),
            ["collections", var name, ("exists" or "index" or "points") and var rest] => ($"/collections/{{collection_name}}/{rest}", name),
            ["collections", var name, "points", ("delete" or "count" or "query" or "batch") and var rest] => ($"/collections/{{collection_name}}/points/{rest}", name),
            _ => (null, null),
        };
    }

    private static JsonObject Envelope(JsonNode result) => new() { ["result"] = result, ["status"] = "ok", ["time"] = 0.0001 };

    private void Record(string method, string template, string what, IEnumerable<string> violations)
    {
        foreach (var violation in violations)
        {
            Violations.Enqueue($"{method.ToUpperInvariant()} {template} {what}: {violation}");
        }
    }
}
