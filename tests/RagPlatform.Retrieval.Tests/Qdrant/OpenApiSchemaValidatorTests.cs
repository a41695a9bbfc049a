using System.Text.Json;
using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Qdrant;

[Trait("Category", "Unit")]
public sealed class OpenApiSchemaValidatorTests
{
    private const string Points = "/collections/{collection_name}/points";
    private const string Query = "/collections/{collection_name}/points/query";

    private static readonly OpenApiSchemaValidator Validator = OpenApiSchemaValidator.Load(SharedFiles.QdrantOpenApi);

    private static List<string> Request(string method, string template, string json)
    {
        using var document = JsonDocument.Parse(json);
        return Validator.ValidateRequest(method, template, document.RootElement);
    }

    [Theory]
    [InlineData("put", "/collections/{collection_name}",
        """{"vectors":{"dense":{"size":4,"distance":"Cosine"}},"sparse_vectors":{"lexical":{"modifier":"idf"}}}""")]
    [InlineData("put", Points,
        """{"points":[{"id":"6fc1903a-7fa4-58de-9f58-317b10074259","vector":{"dense":[0.5,0.5],"lexical":{"indices":[1,4294967295],"values":[1.5,2]}},"payload":{"a":[1,"x"]}}]}""")]
    [InlineData("post", Query, """{"query":[0.1,0.2],"using":"dense","limit":5,"filter":{"must":[{"key":"lang","match":{"value":"en"}}]},"score_threshold":null}""")]
    [InlineData("post", Query,
        """{"prefetch":[{"query":{"indices":[3],"values":[1]},"using":"lexical","limit":100}],"query":{"rrf":{"k":61}},"limit":3,"with_payload":true}""")]
    [InlineData("post", "/collections/{collection_name}/points/delete", """{"filter":{"must_not":{"key":"d","range":{"gte":"2024-01-05T00:00:00+00:00"}}}}""")]
    [InlineData("put", "/collections/{collection_name}/index", """{"field_name":"published","field_schema":"datetime"}""")]
    public void ValidRequests_Pass(string method, string template, string json) => Assert.Empty(Request(method, template, json));

    [Theory]
    [InlineData("put", "/collections/{collection_name}", """{"vectors":{"dense":{"size":4,"distance":"cosine"}}}""", "cosine")]
    [InlineData("put", "/collections/{collection_name}", """{"vectors":{"dense":{"size":0,"distance":"Cosine"}}}""", "minimum")]
    [InlineData("put", Points, """{"points":[{"id":"doc-1","vector":[1,2]}]}""", "uuid")]
    [InlineData("put", Points, """{"points":[{"id":-1,"vector":[1,2]}]}""", "$.points[0].id")]
    [InlineData("put", Points, """{"points":[{"id":1}]}""", "'vector' is missing")]
    [InlineData("put", Points, """{"pointz":[]}""", "$")]
    [InlineData("put", Points, """{"points":[{"id":1,"vector":{"lexical":{"indices":[-2],"values":[1]}}}]}""", "$.points[0].vector")]
    [InlineData("post", Query, """{"query":[0.1],"limit":0}""", "minimum")]
    [InlineData("post", Query, """{"query":[0.1],"filter":{"mustt":[]}}""", "mustt")]
    [InlineData("post", Query, """{"query":[0.1],"filter":{"must":[{"key":"x","match":{"any":["a","a"]}}]}}""", "$.filter")]
    [InlineData("post", Query, """{"query":{"fusion":"rrff"}}""", "$.query")]
    [InlineData("post", Query, """{"query":[0.1],"with_payloads":true}""", "with_payloads")]
    public void InvalidRequests_AreReported(string method, string template, string json, string expectedFragment)
    {
        var errors = Request(method, template, json);

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(expectedFragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Responses_AreCheckedAgainstTheirStatusSchema()
    {
        using var good = JsonDocument.Parse("""{"result":{"points":[{"id":"6fc1903a-7fa4-58de-9f58-317b10074259","version":0,"score":0.5}]},"status":"ok","time":0.1}""");
        using var bad = JsonDocument.Parse("""{"result":{"points":[{"id":"6fc1903a-7fa4-58de-9f58-317b10074259","score":0.5}]},"status":"ok"}""");
        using var error = JsonDocument.Parse("""{"status":{"error":"Not found: Collection `x` doesn't exist!"},"time":0.0}""");

        Assert.Empty(Validator.ValidateResponse("post", Query, 200, good.RootElement));
        Assert.Contains(Validator.ValidateResponse("post", Query, 200, bad.RootElement), e => e.Contains("'version' is missing", StringComparison.Ordinal));
        Assert.Empty(Validator.ValidateResponse("post", Query, 404, error.RootElement));
        Assert.NotEmpty(Validator.ValidateResponse("post", Query, 404, good.RootElement));
    }

    [Fact]
    public void NullOnlySchema_AcceptsNullAndRejectsValues()
    {
        using var schema = JsonDocument.Parse("""{"anyOf":[{"type":"integer","format":"uint"},{"nullable":true}]}""");
        using var values = JsonDocument.Parse("""[null, 3, "3", -1]""");
        var results = values.RootElement.EnumerateArray().Select(v => Validator.Validate(v, schema.RootElement).Count == 0).ToArray();

        Assert.Equal([true, true, false, false], results);
    }
}
