namespace RagPlatform.Retrieval.Embedded;

/// <summary>Evaluates a <see cref="PointFilter"/> on one payload with Qdrant's semantics (see <see cref="PointFilter"/>).</summary>
internal static class PayloadFilterEvaluator
{
    public static bool Matches(PointFilter filter, IReadOnlyDictionary<string, PayloadValue> payload)
    {
        foreach (var condition in filter.Must)
        {
            if (!Holds(condition, payload))
            {
                return false;
            }
        }

        foreach (var condition in filter.MustNot)
        {
            if (Holds(condition, payload))
            {
                return false;
            }
        }

        if (filter.Should.Count == 0)
        {
            return true;
        }

        foreach (var condition in filter.Should)
        {
            if (Holds(condition, payload))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Holds(FilterCondition condition, IReadOnlyDictionary<string, PayloadValue> payload)
    {
        if (!payload.TryGetValue(condition.Field, out var value))
        {
            return false;
        }

        return condition switch
        {
            MatchValueCondition match => Equal(match.Value, value),
            MatchAnyCondition any => any.Values.Any(candidate => Equal(candidate, value)),
            NumericRangeCondition range => value.TryGetNumber(out var number) &&
                (range.Gt is not { } gt || number > gt) && (range.Gte is not { } gte || number >= gte) &&
                (range.Lt is not { } lt || number < lt) && (range.Lte is not { } lte || number <= lte),
            DateRangeCondition dates => value.Kind == PayloadKind.DateTime && InRange(value.AsDateTime(), dates),
            _ => false,
        };
    }

    private static bool Equal(PayloadValue wanted, PayloadValue value) => wanted.Kind switch
    {
        PayloadKind.String => value.Kind switch
        {
            PayloadKind.String => value.AsString() == wanted.AsString(),
            PayloadKind.StringList => value.AsStringList().Contains(wanted.AsString()),
            _ => false,
        },
        _ => wanted.Equals(value),
    };

    private static bool InRange(DateTimeOffset instant, DateRangeCondition range) =>
        (range.Gt is not { } gt || instant > gt) && (range.Gte is not { } gte || instant >= gte) &&
        (range.Lt is not { } lt || instant < lt) && (range.Lte is not { } lte || instant <= lte);
}
