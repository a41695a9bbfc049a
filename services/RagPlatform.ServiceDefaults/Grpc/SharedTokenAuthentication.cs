using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>
/// ASP.NET Core authentication for calls between the platform's own services: the caller presents
/// <c>authorization: Bearer &lt;Grpc:SharedToken&gt;</c>. Without a configured token every caller is let in (a laptop or
/// a test needs no secret). Refusals are answered the gRPC way, UNAUTHENTICATED in a trailers-only response, so every
/// client (grpc-dotnet, grpc-js, grpcurl) reports the reason instead of a bare HTTP 401.
/// </summary>
internal sealed class SharedTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptions<GrpcServerOptions> grpcOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "SharedToken";
    private const string BearerPrefix = "Bearer ";
    private static readonly ClaimsPrincipal Caller = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "internal")], SchemeName));
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(grpcOptions.Value.SharedToken) ? null : Hash(grpcOptions.Value.SharedToken);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_tokenHash is null)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Caller, SchemeName)));
        }

        var presented = Request.Headers.Authorization.ToString();
        var hash = Hash(presented.StartsWith(BearerPrefix, StringComparison.Ordinal) ? presented[BearerPrefix.Length..] : "");
        // Hashes have a fixed length, so the comparison's time says nothing about the token.
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(hash, _tokenHash)
            ? AuthenticateResult.Success(new AuthenticationTicket(Caller, SchemeName))
            : AuthenticateResult.Fail("missing or wrong bearer token"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        GrpcServerLog.Unauthenticated(Logger, Request.Path, "missing or wrong bearer token");
        return WriteTrailersOnlyAsync(Response, 16, "This service requires the internal bearer token (Grpc:SharedToken).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteTrailersOnlyAsync(Response, 7, "This caller may not call this service.");

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>A gRPC status with no message: HTTP 200, content-type application/grpc, grpc-status in the headers.</summary>
    private static Task WriteTrailersOnlyAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = message;
        return Task.CompletedTask;
    }
}
