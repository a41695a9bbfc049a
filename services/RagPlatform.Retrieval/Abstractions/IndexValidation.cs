using System.Numerics.Tensors;
using System.Text.RegularExpressions;

namespace RagPlatform.Retrieval;

/// <summary>The argument rules every backend enforces identically, so callers see the same errors.</summary>
internal static partial class IndexValidation
{
    public const int MaxDimensions = 4096;
    public const int MaxIdLength = 512;
    public const int MaxLimit = 1000;

    /// <summary>Payload keys a backend may use for its own bookkeeping start with an underscore.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex FieldNamePattern();

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex CollectionNamePattern();

    public static void CollectionName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!CollectionNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Invalid collection name '{name}': use 1 to 64 of [a-z0-9_-].", nameof(name));
        }
    }

    public static void Spec(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CollectionName(spec.Name);
        if (spec.Dimensions is < 1 or > MaxDimensions)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Dimensions, $"Dimensions must be 1..{MaxDimensions}.");
        }

        foreach (var field in spec.FilterableFields.Keys)
        {
            FieldName(field);
        }
    }

    public static void Points(IReadOnlyList<IndexPoint> points, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(points);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            ArgumentNullException.ThrowIfNull(point, nameof(points));
            PointId(point.Id);
            if (!seen.Add(point.Id))
            {
                throw new ArgumentException($"Point '{point.Id}' appears twice in one batch.", nameof(points));
            }

            Vector(point.Vector, dimensions, $"point '{point.Id}'");
            ArgumentNullException.ThrowIfNull(point.Text, nameof(points));
            ArgumentNullException.ThrowIfNull(point.Payload, nameof(points));
            foreach (var (key, value) in point.Payload)
            {
                FieldName(key);
                if (value is null)
                {
                    throw new ArgumentException($"Payload field '{key}' of point '{point.Id}' is null.", nameof(points));
                }
            }
        }
    }

    public static void PointId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength)
        {
            throw new ArgumentException($"A point id must be 1..{MaxIdLength} characters.", nameof(id));
        }
    }

    public static void Ids(IReadOnlyCollection<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            PointId(id);
        }
    }

    public static void Search(SearchRequest request, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Limit, $"Limit must be 1..{MaxLimit}.");
        }

        if (request.Mode is SearchMode.Dense or SearchMode.Hybrid)
        {
            Vector(request.Vector ?? throw new ArgumentException($"A {request.Mode} search needs a query vector.", nameof(request)),
                dimensions, "the query");
        }

        if (request.Mode is SearchMode.Lexical or SearchMode.Hybrid && request.Text is null)
        {
            throw new ArgumentException($"A {request.Mode} search needs a query text.", nameof(request));
        }

        if (!Enum.IsDefined(request.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Mode, "Unknown search mode.");
        }

        if (request.ScoreThreshold is { } threshold && !float.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(request), threshold, "The score threshold must be finite.");
        }

        if (request.Filter is not null)
        {
            Filter(request.Filter);
        }
    }

    public static void Filter(PointFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        foreach (var condition in filter.Must.Concat(filter.Should).Concat(filter.MustNot))
        {
            ArgumentNullException.ThrowIfNull(condition, nameof(filter));
            FieldName(condition.Field);
            switch (condition)
            {
                case MatchValueCondition { Value.Kind: PayloadKind.String or PayloadKind.Integer or PayloadKind.Bool }:
                    break;
                case MatchValueCondition match:
                    throw new ArgumentException(
                        $"Match on '{match.Field}' needs a String, Integer or Bool value, not {match.Value?.Kind.ToString() ?? "null"}.",
                        nameof(filter));
                case MatchAnyCondition any:
                    if (any.Values is not { Count: > 0 } values || values.Any(v => v is null) ||
                        !(values.All(v => v.Kind == PayloadKind.String) || values.All(v => v.Kind == PayloadKind.Integer)))
                    {
                        throw new ArgumentException($"Match-any on '{any.Field}' needs one or more values, all Strings or all Integers.",
                            nameof(filter));
                    }

                    break;
                case NumericRangeCondition range:
                    double?[] bounds = [range.Gt, range.Gte, range.Lt, range.Lte];
                    if (bounds.All(b => b is null) || bounds.Any(b => b is { } v && !double.IsFinite(v)))
                    {
                        throw new ArgumentException($"Range on '{range.Field}' needs at least one finite bound.", nameof(filter));
                    }

                    break;
                case DateRangeCondition dates:
                    if (dates is { Gt: null, Gte: null, Lt: null, Lte: null })
                    {
                        throw new ArgumentException($"Date range on '{dates.Field}' needs at least one bound.", nameof(filter));
                    }

                    break;
                default:
                    throw new ArgumentException($"Unsupported filter condition {condition.GetType().Name}.", nameof(filter));
            }
        }
    }

    private static void FieldName(string field)
    {
        if (field is null || !FieldNamePattern().IsMatch(field))
        {
            throw new ArgumentException(
                $"Invalid payload field name '{field}': a letter, then up to 63 of [A-Za-z0-9_].", nameof(field));
        }
    }

    private static void Vector(float[] vector, int dimensions, string what)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException(
                $"Vector dimension mismatch for {what}: expected {dimensions}, got {vector.Length}.", nameof(vector));
        }

        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                throw new ArgumentException($"The vector of {what} holds a NaN or infinite value.", nameof(vector));
            }
        }

        if (TensorPrimitives.SumOfSquares(vector) == 0f)
        {
            throw new ArgumentException($"The vector of {what} is all zeros; cosine similarity is undefined for it.", nameof(vector));
        }
    }
}
