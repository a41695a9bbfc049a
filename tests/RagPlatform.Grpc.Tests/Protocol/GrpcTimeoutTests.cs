namespace RagPlatform.Grpc.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1000n", 10L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    [InlineData("0m", 0L)]
    public void TryParse_EachUnit_GivesTheDuration(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    [InlineData(" 5S")]
    public void TryParse_Malformed_ReturnsFalse(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(0L, "0n")]
    [InlineData(-5L, "0n")]
    [InlineData(10L, "1000n")]
    [InlineData(TimeSpan.TicksPerSecond * 5, "5000000u")]
    [InlineData(TimeSpan.TicksPerHour * 2, "7200000m")]
    public void Format_PicksTheMostPreciseUnitThatFits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_ThenParse_NeverShortensTheTimeout()
    {
        foreach (var timeout in new[] { TimeSpan.FromMilliseconds(1.23456), TimeSpan.FromDays(3.3), TimeSpan.FromDays(400), TimeSpan.FromSeconds(123.4567891) })
        {
            var header = GrpcTimeout.Format(timeout);

            Assert.InRange(header.Length, 2, 9);
            Assert.True(GrpcTimeout.TryParse(header, out var parsed));
            Assert.True(parsed >= timeout, $"{header} parsed to {parsed}, shorter than {timeout}");
        }
    }

    [Fact]
    public void Format_BeyondEightDigitsOfHours_Clamps()
    {
        Assert.Equal("99999999H", GrpcTimeout.Format(TimeSpan.MaxValue));
    }
}
