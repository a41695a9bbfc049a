using Qdrant.Client.Grpc;
using QdrantRange = Qdrant.Client.Grpc.Range;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace RagPlatform.Retrieval.Qdrant;

/// <summary>Our <see cref="PointFilter"/> as Qdrant's gRPC <see cref="Filter"/> (the semantics are Qdrant's already).</summary>
internal static class QdrantFilters
{
    public static Filter? From(PointFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var qdrant = new Filter();
        qdrant.Must.AddRange(filter.Must.Select(ToCondition));
        qdrant.Should.AddRange(filter.Should.Select(ToCondition));
        qdrant.MustNot.AddRange(filter.MustNot.Select(ToCondition));
        return qdrant;
    }

    /// <summary>
    /// The points of <paramref name="replaced"/> that an earlier write left, i.e. not of <paramref name="generation"/>:
    /// what a replace deletes once the new points are in. A point without a generation (a plain upsert) matches.
    /// </summary>
    public static Filter OlderThan(PointFilter replaced, string generation) => new()
    {
        Must = { new Condition { Filter = From(replaced) } },
        MustNot = { Keyword(QdrantPayload.GenerationKey, generation) },
    };

    private static Condition Keyword(string field, string value) =>
        new() { Field = new FieldCondition { Key = field, Match = new Match { Keyword = value } } };

    private static Condition ToCondition(FilterCondition condition) => new()
    {
        Field = condition switch
        {
            MatchValueCondition { Value.Kind: PayloadKind.String } match =>
                new FieldCondition { Key = match.Field, Match = new Match { Keyword = match.Value.AsString() } },
            MatchValueCondition { Value.Kind: PayloadKind.Integer } match =>
                new FieldCondition { Key = match.Field, Match = new Match { Integer = match.Value.AsInteger() } },
            MatchValueCondition match =>
                new FieldCondition { Key = match.Field, Match = new Match { Boolean = match.Value.AsBool() } },
            MatchAnyCondition { Values: [{ Kind: PayloadKind.String }, ..] } any => new FieldCondition
            {
                Key = any.Field,
                Match = new Match { Keywords = new RepeatedStrings { Strings = { any.Values.Select(v => v.AsString()).Distinct() } } },
            },
            MatchAnyCondition any => new FieldCondition
            {
                Key = any.Field,
                Match = new Match { Integers = new RepeatedIntegers { Integers = { any.Values.Select(v => v.AsInteger()).Distinct() } } },
            },
            NumericRangeCondition range => new FieldCondition { Key = range.Field, Range = NumericRange(range) },
            DateRangeCondition range => new FieldCondition { Key = range.Field, DatetimeRange = DateRange(range) },
            _ => throw new ArgumentException($"Unsupported filter condition {condition.GetType().Name}.", nameof(condition)),
        },
    };

    private static QdrantRange NumericRange(NumericRangeCondition condition)
    {
        var range = new QdrantRange();
        if (condition.Gt is { } gt)
        {
            range.Gt = gt;
        }

        if (condition.Gte is { } gte)
        {
            range.Gte = gte;
        }

        if (condition.Lt is { } lt)
        {
            range.Lt = lt;
        }

        if (condition.Lte is { } lte)
        {
            range.Lte = lte;
        }

        return range;
    }

    private static DatetimeRange DateRange(DateRangeCondition condition)
    {
        var range = new DatetimeRange();
        if (condition.Gt is { } gt)
        {
            range.Gt = Timestamp.FromDateTimeOffset(gt);
        }

        if (condition.Gte is { } gte)
        {
            range.Gte = Timestamp.FromDateTimeOffset(gte);
        }

        if (condition.Lt is { } lt)
        {
            range.Lt = Timestamp.FromDateTimeOffset(lt);
        }

        if (condition.Lte is { } lte)
        {
            range.Lte = Timestamp.FromDateTimeOffset(lte);
        }

        return range;
    }
}
