using RagPlatform.Retrieval.Embedded;

namespace RagPlatform.Retrieval.Tests.Embedded;

[Trait("Category", "Unit")]
public sealed class PayloadFilterEvaluatorTests
{
    private static readonly Dictionary<string, PayloadValue> Payload = new()
    {
        ["lang"] = "en",
        ["tags"] = new[] { "a", "b" },
        ["n"] = 5L,
        ["x"] = 2.5,
        ["ok"] = false,
        ["at"] = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)),
    };

    public static TheoryData<PointFilter, bool> Cases => new()
    {
        { new PointFilter(), true },
        { PointFilter.All(FilterCondition.Equal("lang", "en")), true },
        { PointFilter.All(FilterCondition.Equal("lang", "EN")), false },
        { PointFilter.All(FilterCondition.Equal("tags", "b")), true },
        { PointFilter.All(FilterCondition.AnyOf("tags", "z", "a")), true },
        { PointFilter.All(FilterCondition.AnyOf("n", 4L, 5L)), true },
        { PointFilter.All(FilterCondition.Equal("n", "5")), false },
        { PointFilter.All(FilterCondition.Equal("ok", false)), true },
        { PointFilter.All(new NumericRangeCondition("n", Gt: 5)), false },
        { PointFilter.All(new NumericRangeCondition("n", Gte: 5, Lt: 6)), true },
        { PointFilter.All(new NumericRangeCondition("x", Lte: 2.5)), true },
        { PointFilter.All(new NumericRangeCondition("lang", Gte: 0)), false },
        { PointFilter.All(new DateRangeCondition("at", Gte: new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero))), true },
        { PointFilter.All(new DateRangeCondition("at", Gt: new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero))), false },
        { PointFilter.All(new DateRangeCondition("lang", Gt: DateTimeOffset.MinValue)), false },
        { PointFilter.None(FilterCondition.Equal("missing", "x")), true },
        { PointFilter.Any(FilterCondition.Equal("missing", "x"), FilterCondition.Equal("lang", "fr")), false },
        { new PointFilter { Must = [FilterCondition.Equal("lang", "en")], Should = [FilterCondition.Equal("n", 5L)] }, true },
        { new PointFilter { Must = [FilterCondition.Equal("lang", "en")], MustNot = [FilterCondition.Equal("tags", "a")] }, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_FollowsQdrantSemantics(PointFilter filter, bool expected) =>
        Assert.Equal(expected, PayloadFilterEvaluator.Matches(filter, Payload));
}
