namespace RagPlatform.Retrieval;

/// <summary>
/// A payload filter with Qdrant's semantics: every Must condition holds, no MustNot condition holds, and when
/// Should is non-empty at least one of its conditions holds. A condition on a field the point lacks, or holds
/// with another kind, does not hold.
/// </summary>
public sealed record PointFilter
{
    public IReadOnlyList<FilterCondition> Must { get; init; } = [];

    public IReadOnlyList<FilterCondition> Should { get; init; } = [];

    public IReadOnlyList<FilterCondition> MustNot { get; init; } = [];

    public static PointFilter All(params FilterCondition[] conditions) => new() { Must = conditions };

    public static PointFilter None(params FilterCondition[] conditions) => new() { MustNot = conditions };

    public static PointFilter Any(params FilterCondition[] conditions) => new() { Should = conditions };
}

public abstract record FilterCondition(string Field)
{
    public static MatchValueCondition Equal(string field, PayloadValue value) => new(field, value);

    public static MatchAnyCondition AnyOf(string field, params string[] values) => new(field, [.. values.Select(PayloadValue.From)]);

    public static MatchAnyCondition AnyOf(string field, params long[] values) => new(field, [.. values.Select(PayloadValue.From)]);
}

/// <summary>
/// The field equals <see cref="Value"/> (a String, Integer or Bool); on a string list, any element equals it.
/// </summary>
public sealed record MatchValueCondition(string Field, PayloadValue Value) : FilterCondition(Field);

/// <summary>The field (or any element of a string list) is one of <see cref="Values"/>: all Strings or all Integers.</summary>
public sealed record MatchAnyCondition(string Field, IReadOnlyList<PayloadValue> Values) : FilterCondition(Field);

/// <summary>An Integer or Double field lies within the given bounds (each optional, at least one given).</summary>
public sealed record NumericRangeCondition(string Field, double? Gt = null, double? Gte = null, double? Lt = null, double? Lte = null)
    : FilterCondition(Field);

/// <summary>A DateTime field lies within the given bounds (each optional, at least one given).</summary>
public sealed record DateRangeCondition(
    string Field, DateTimeOffset? Gt = null, DateTimeOffset? Gte = null, DateTimeOffset? Lt = null, DateTimeOffset? Lte = null)
    : FilterCondition(Field);
