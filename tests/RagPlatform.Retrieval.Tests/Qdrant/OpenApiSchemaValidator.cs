using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>
/// Validates JSON against the schemas of an OpenAPI 3.0 document: $ref, type, nullable, properties, required,
/// additionalProperties, items, enum, anyOf, oneOf, allOf, minimum/maximum, uniqueItems and the formats Qdrant
/// uses (uuid, uint/uint32/uint64, int64, date-time). Two readings are deliberate:
/// a schema that only says nullable: true (Qdrant's way to write "or null" in an anyOf) accepts only null; and in
/// strict mode an object schema that lists properties rejects properties it does not list, so a misspelt
/// optional field fails instead of being silently ignored by the server.
/// </summary>
internal sealed partial class OpenApiSchemaValidator(JsonDocument document, bool strict = true)
{
    private static readonly HashSet<string> Annotations = ["description", "default", "example", "deprecated", "title", "nullable"];

    private readonly JsonElement _root = document.RootElement;

    public static OpenApiSchemaValidator Load(string path, bool strict = true) =>
        new(JsonDocument.Parse(File.ReadAllBytes(path)), strict);

    /// <summary>The request body schema of an operation, e.g. ("put", "/collections/{collection_name}/points").</summary>
    public JsonElement RequestSchema(string method, string pathTemplate) =>
        Operation(method, pathTemplate).GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");

    public bool HasRequestBody(string method, string pathTemplate) => Operation(method, pathTemplate).TryGetProperty("requestBody", out _);

    /// <summary>The response schema for a status; 4xx and others fall back to "4XX" and "default" as OpenAPI says.</summary>
    public JsonElement ResponseSchema(string method, string pathTemplate, int status)
    {
        var responses = Operation(method, pathTemplate).GetProperty("responses");
        foreach (var key in new[] { status.ToString(CultureInfo.InvariantCulture), $"{status / 100}XX", "default" })
        {
            if (responses.TryGetProperty(key, out var response))
            {
                return response.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            }
        }

        throw new KeyNotFoundException($"No response schema for {method} {pathTemplate} {status}.");
    }

    public List<string> ValidateRequest(string method, string pathTemplate, JsonElement body) =>
        Validate(body, RequestSchema(method, pathTemplate));

    public List<string> ValidateResponse(string method, string pathTemplate, int status, JsonElement body) =>
        Validate(body, ResponseSchema(method, pathTemplate, status));

    /// <returns>One message per violation, each starting with the JSON path; empty when valid.</returns>
    public List<string> Validate(JsonElement instance, JsonElement schema)
    {
        var errors = new List<string>();
        Check(instance, schema, "$", errors);
        return errors;
    }

    /// <summary>A schema by name from components/schemas.</summary>
    public JsonElement Schema(string name) => _root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    private JsonElement Operation(string method, string pathTemplate) =>
        _root.GetProperty("paths").GetProperty(pathTemplate).GetProperty(method.ToLowerInvariant());

    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            if (hops > 32)
            {
                throw new InvalidOperationException("A $ref cycle in the schema.");
            }

            var target = reference.GetString()!;
            if (!target.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"Only local references are supported: {target}");
            }

            schema = _root;
            foreach (var part in target[2..].Split('/'))
            {
                schema = schema.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return schema;
    }

    private static bool OnlyAnnotations(JsonElement schema) => schema.EnumerateObject().All(p => Annotations.Contains(p.Name));

    private static bool Nullable(JsonElement schema) => schema.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;

    private void Check(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        schema = Resolve(schema);
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{at}: no value is allowed here");
            return;
        }

        var hasCombinator = schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _) || schema.TryGetProperty("allOf", out _);
        if (OnlyAnnotations(schema))
        {
            if (Nullable(schema) && value.ValueKind != JsonValueKind.Null)
            {
                errors.Add($"{at}: expected null, got {value.ValueKind}");
            }

            return;
        }

        if (value.ValueKind == JsonValueKind.Null && (Nullable(schema) || !hasCombinator))
        {
            if (!Nullable(schema))
            {
                errors.Add($"{at}: null is not allowed");
            }

            return;
        }

        CheckCombinators(value, schema, at, errors);
        if (schema.TryGetProperty("type", out var type) && !CheckType(value, type.GetString()!, at, errors))
        {
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{at}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }

        if (schema.TryGetProperty("format", out var format))
        {
            CheckFormat(value, format.GetString()!, at, errors);
        }

        CheckBounds(value, schema, at, errors);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, schema, at, errors);
                break;
            case JsonValueKind.Array:
                CheckArray(value, schema, at, errors);
                break;
        }
    }

    private void CheckCombinators(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var branch in allOf.EnumerateArray())
            {
                Check(value, branch, at, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            var outcomes = anyOf.EnumerateArray().Select(branch => Validate(value, branch, at)).ToList();
            if (outcomes.All(o => o.Count > 0))
            {
                errors.Add($"{at}: matches none of {outcomes.Count} anyOf branches; closest: {Closest(outcomes)}");
            }
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var outcomes = oneOf.EnumerateArray().Select(branch => Validate(value, branch, at)).ToList();
            var passing = outcomes.Count(o => o.Count == 0);
            if (passing != 1)
            {
                errors.Add($"{at}: matches {passing} of the oneOf branches, not exactly one; closest: {Closest(outcomes)}");
            }
        }
    }

    /// <summary>The errors of the branches that came nearest to matching (ties all shown), for a readable report.</summary>
    private static string Closest(List<List<string>> outcomes)
    {
        var fewest = outcomes.Min(o => o.Count);
        return string.Join(" | ", outcomes.Where(o => o.Count == fewest).Select(o => string.Join("; ", o.Take(4))));
    }

    private List<string> Validate(JsonElement value, JsonElement schema, string at)
    {
        var errors = new List<string>();
        Check(value, schema, at, errors);
        return errors;
    }

    private static bool CheckType(JsonElement value, string type, string at, List<string> errors)
    {
        var ok = type switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && IsIntegral(value),
            _ => throw new NotSupportedException($"Unknown schema type '{type}'."),
        };
        if (!ok)
        {
            errors.Add($"{at}: expected {type}, got {Describe(value)}");
        }

        return ok;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.String => $"{value.ValueKind} {value.GetRawText()}",
        _ => value.ValueKind.ToString(),
    };

    private static bool IsIntegral(JsonElement value) =>
        value.TryGetInt64(out _) || value.TryGetUInt64(out _) ||
        (value.TryGetDecimal(out var d) && decimal.Truncate(d) == d && !value.GetRawText().Contains('.', StringComparison.Ordinal));

    private static void CheckFormat(JsonElement value, string format, string at, List<string> errors)
    {
        switch (format)
        {
            case "uuid" when value.ValueKind == JsonValueKind.String && !Guid.TryParseExact(value.GetString(), "D", out _):
                errors.Add($"{at}: '{value.GetString()}' is not a uuid");
                break;
            case "date-time" when value.ValueKind == JsonValueKind.String && !Rfc3339().IsMatch(value.GetString()!):
                errors.Add($"{at}: '{value.GetString()}' is not an RFC 3339 date-time");
                break;
            case "uint" or "uint64" when value.ValueKind == JsonValueKind.Number && !value.TryGetUInt64(out _):
            case "uint32" when value.ValueKind == JsonValueKind.Number && !value.TryGetUInt32(out _):
            case "int64" when value.ValueKind == JsonValueKind.Number && !value.TryGetInt64(out _):
                errors.Add($"{at}: {value.GetRawText()} does not fit format {format}");
                break;
            case "float" when value.ValueKind == JsonValueKind.Number && !float.IsFinite((float)value.GetDouble()):
                errors.Add($"{at}: {value.GetRawText()} does not fit a float");
                break;
        }
    }

    private static void CheckBounds(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return;
        }

        var number = value.GetDouble();
        if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
        {
            errors.Add($"{at}: {value.GetRawText()} is below the minimum {minimum.GetRawText()}");
        }

        if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
        {
            errors.Add($"{at}: {value.GetRawText()} is above the maximum {maximum.GetRawText()}");
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{at}: required property '{name}' is missing");
                }
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : (JsonElement?)null;
        foreach (var property in value.EnumerateObject())
        {
            var path = $"{at}.{property.Name}";
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, path, errors);
            }
            else if (additional is { } extra)
            {
                Check(property.Value, extra, path, errors);
            }
            else if (strict && hasProperties)
            {
                errors.Add($"{path}: property '{property.Name}' is not in the schema");
            }
        }
    }

    private void CheckArray(JsonElement value, JsonElement schema, string at, List<string> errors)
    {
        if (schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, $"{at}[{i++}]", errors);
            }
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            var seen = new List<JsonElement>();
            foreach (var item in value.EnumerateArray())
            {
                if (seen.Any(s => JsonElement.DeepEquals(s, item)))
                {
                    errors.Add($"{at}: {item.GetRawText()} appears twice in a uniqueItems array");
                }

                seen.Add(item);
            }
        }

        if (schema.TryGetProperty("minItems", out var minItems) && value.GetArrayLength() < minItems.GetInt32())
        {
            errors.Add($"{at}: fewer than {minItems.GetInt32()} items");
        }

        if (schema.TryGetProperty("maxItems", out var maxItems) && value.GetArrayLength() > maxItems.GetInt32())
        {
            errors.Add($"{at}: more than {maxItems.GetInt32()} items");
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
