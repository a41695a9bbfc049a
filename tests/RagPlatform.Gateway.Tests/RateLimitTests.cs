using System.Net;

namespace RagPlatform.Gateway.Tests;

[Trait("Category", "Unit")]
public sealed class RateLimitTests
{
    [Fact]
    public async Task KeyOverItsBurst_TooManyRequestsWithRetryAfter_OtherKeysUnaffected()
    {
        using var factory = new GatewayFactory(("Gateway:RequestsPerSecond", "1"), ("Gateway:RequestBurst", "3"));
        using var client = factory.Client();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync("/v1/keys");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var anonymous = factory.Client(key: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }
}
