using System.Net;
using System.Text;

namespace RagPlatform.Cli.Tests.Infrastructure;

/// <summary>An HTTP handler that answers as the test scripts it and records every request.</summary>
internal sealed class ScriptedGateway(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public ScriptedGateway(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond)
        : this((request, _) => respond(request))
    {
    }

    private readonly List<(HttpMethod Method, string Path, string? Authorization, string? Accept, string? Body)> _requests = [];

    public IReadOnlyList<(HttpMethod Method, string Path, string? Authorization, string? Accept, string? Body)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string detail) =>
        Json(status, $$"""{"status":{{(int)status}},"title":"{{status}}","detail":"{{detail}}","requestId":"req-1"}""", "application/problem+json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_requests)
        {
            _requests.Add((request.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString(), request.Headers.Accept.ToString(), body));
        }

        return await respond(request, cancellationToken);
    }
}
