using System.Globalization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>
/// Qdrant's filter semantics over a gRPC payload, written from Qdrant's documentation and independently of the
/// platform's embedded evaluator: every must holds, no must_not holds, at least one should holds when there are any
/// (min_should: at least min_count of its conditions); a condition on a missing or null key is false; a match or range
/// on an array holds when it holds for any element; a datetime range reads string values as RFC 3339 instants.
/// Conditions the fake does not know are refused (Unimplemented), never guessed.
/// </summary>
internal static class FakeFilter
{
    public static bool Matches(Filter? filter, FakePoint point)
    {
        if (filter is null)
        {
            return true;
        }

        return filter.Must.All(c => Holds(c, point)) &&
               !filter.MustNot.Any(c => Holds(c, point)) &&
               (filter.Should.Count == 0 || filter.Should.Any(c => Holds(c, point))) &&
               (filter.MinShould is not { } minimum || (ulong)minimum.Conditions.Count(c => Holds(c, point)) >= minimum.MinCount);
    }

    /// <summary>Both filters at once (a prefetch's own and the query's).</summary>
    public static Filter? Both(Filter? first, Filter? second) => (first, second) switch
    {
        (null, _) => second,
        (_, null) => first,
        _ => new Filter { Must = { new Condition { Filter = first }, new Condition { Filter = second } } },
    };

    private static bool Holds(Condition condition, FakePoint point) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.Field => Holds(condition.Field, point.Payload),
        Condition.ConditionOneOfOneofCase.Filter => Matches(condition.Filter, point),
        Condition.ConditionOneOfOneofCase.HasId => condition.HasId.HasId.Any(id => FakePoints.Key(id) == point.Key),
        var other => throw FakePoints.Unsupported($"{other} conditions"),
    };

    private static bool Holds(FieldCondition condition, MapField<string, Value> payload)
    {
        if (condition.Key.Contains('.', StringComparison.Ordinal) || condition.Key.Contains('[', StringComparison.Ordinal))
        {
            throw FakePoints.Unsupported($"nested keys ('{condition.Key}')");
        }

        if (!payload.TryGetValue(condition.Key, out var stored) || stored.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
        {
            return false;
        }

        var values = stored.KindCase == Value.KindOneofCase.ListValue ? stored.ListValue.Values : [stored];
        if (condition.Match is { } match)
        {
            return values.Any(v => Matches(match, v));
        }

        if (condition.Range is { } range)
        {
            return values.Any(v => InRange(range, v));
        }

        if (condition.DatetimeRange is { } dates)
        {
            return values.Any(v => InRange(dates, v));
        }

        throw FakePoints.Unsupported("field conditions other than match, range and datetime_range");
    }

    private static bool Matches(Match match, Value value) => match.MatchValueCase switch
    {
        Match.MatchValueOneofCase.Keyword => value.KindCase == Value.KindOneofCase.StringValue && value.StringValue == match.Keyword,
        Match.MatchValueOneofCase.Integer => value.KindCase == Value.KindOneofCase.IntegerValue && value.IntegerValue == match.Integer,
        Match.MatchValueOneofCase.Boolean => value.KindCase == Value.KindOneofCase.BoolValue && value.BoolValue == match.Boolean,
        Match.MatchValueOneofCase.Keywords => value.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(value.StringValue),
        Match.MatchValueOneofCase.Integers => value.KindCase == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(value.IntegerValue),
        var other => throw FakePoints.Unsupported($"{other} matches"),
    };

    private static bool InRange(Qdrant.Client.Grpc.Range range, Value value)
    {
        double number;
        switch (value.KindCase)
        {
            case Value.KindOneofCase.IntegerValue:
                number = value.IntegerValue;
                break;
            case Value.KindOneofCase.DoubleValue:
                number = value.DoubleValue;
                break;
            default:
                return false;
        }

        return (!range.HasGt || number > range.Gt) && (!range.HasGte || number >= range.Gte) &&
               (!range.HasLt || number < range.Lt) && (!range.HasLte || number <= range.Lte);
    }

    private static bool InRange(DatetimeRange range, Value value)
    {
        if (value.KindCase != Value.KindOneofCase.StringValue ||
            !DateTimeOffset.TryParse(value.StringValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return false;
        }

        return (range.Gt is null || instant > range.Gt.ToDateTimeOffset()) && (range.Gte is null || instant >= range.Gte.ToDateTimeOffset()) &&
               (range.Lt is null || instant < range.Lt.ToDateTimeOffset()) && (range.Lte is null || instant <= range.Lte.ToDateTimeOffset());
    }
}
