using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.Grpc.Tests.Infrastructure;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Client;

/// <summary>
/// Our client against a misbehaving HTTP/2 server (plain Kestrel endpoints writing raw bytes):
/// every bad response maps to the status the spec asks for.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ClientProtocolTests : IAsyncLifetime
{
    private WebApplication? _app;
    private string _address = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2))
            .UseShutdownTimeout(TimeSpan.FromSeconds(2));
        _app = builder.Build();
        Map("unavailable", async ctx => { ctx.Response.StatusCode = 503; await ctx.Response.WriteAsync("busy"); });
        Map("html", async ctx => { ctx.Response.ContentType = "text/html"; await ctx.Response.WriteAsync("<html/>"); });
        Map("truncated", async ctx => { Grpc(ctx); await ctx.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 9, 1, 2 }); });
        Map("no-status", async ctx => { Grpc(ctx); await ctx.Response.Body.WriteAsync(RawGrpc.Frame(new EchoReply { Message = "m" })); });
        Map("two-messages", async ctx =>
        {
            Grpc(ctx);
            await ctx.Response.Body.WriteAsync(RawGrpc.Frame(new EchoReply { Message = "1" }));
            await ctx.Response.Body.WriteAsync(RawGrpc.Frame(new EchoReply { Message = "2" }));
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        Map("compressed-no-encoding", async ctx =>
        {
            Grpc(ctx);
            await ctx.Response.Body.WriteAsync(RawGrpc.Frame(new EchoReply { Message = "m" }, flag: 1));
            ctx.Response.AppendTrailer("grpc-status", "0");
        });
        Map("ok-without-message", ctx => { Grpc(ctx); ctx.Response.Headers["grpc-status"] = "0"; return Task.CompletedTask; });
        Map("trailers-only", ctx =>
        {
            Grpc(ctx);
            ctx.Response.Headers["grpc-status"] = "7";
            ctx.Response.Headers["grpc-message"] = "non autoris%C3%A9";
            ctx.Response.Headers["x-reason"] = "policy";
            return Task.CompletedTask;
        });
        Map("hang", async ctx => { Grpc(ctx); await Task.Delay(Timeout.Infinite, ctx.RequestAborted); });
        await _app.StartAsync().DefaultTimeout();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().DefaultTimeout();
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("unavailable", StatusCode.Unavailable)]
    [InlineData("missing-route", StatusCode.Unimplemented)]
    [InlineData("html", StatusCode.Unknown)]
    [InlineData("truncated", StatusCode.Internal)]
    [InlineData("no-status", StatusCode.Internal)]
    [InlineData("two-messages", StatusCode.Internal)]
    [InlineData("compressed-no-encoding", StatusCode.Internal)]
    [InlineData("ok-without-message", StatusCode.Internal)]
    [InlineData("trailers-only", StatusCode.PermissionDenied)]
    public async Task BadResponse_MapsToTheSpecStatus(string path, StatusCode expected)
    {
        using var channel = GrpcChannel.ForAddress(_address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(MethodAt(path), new EchoRequest()).DefaultTimeout());

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task TrailersOnly_CarriesMessageAndMetadata()
    {
        using var channel = GrpcChannel.ForAddress(_address);

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(MethodAt("trailers-only"), new EchoRequest()).DefaultTimeout());

        Assert.Equal("non autorisé", ex.Status.Detail);
        Assert.Equal("policy", ex.Trailers.GetValue("x-reason"));
    }

    [Fact]
    public async Task Deadline_ServerNeverAnswers_ClientEnforcesItLocally()
    {
        using var channel = GrpcChannel.ForAddress(_address);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(MethodAt("hang"), new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(200))).DefaultTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task DefaultTimeout_AppliesToCallsWithoutDeadline()
    {
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { DefaultTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(MethodAt("hang"), new EchoRequest()).DefaultTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task Cancellation_ServerNeverAnswers_Cancelled()
    {
        using var channel = GrpcChannel.ForAddress(_address);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(MethodAt("hang"), new EchoRequest(), new CallOptions(CancellationToken: cts.Token)).DefaultTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest()).DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public void ForAddress_NonHttpScheme_Throws()
    {
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("ftp://example.com"));
    }

    // Paths no real service has: the constructor is internal, reachable here through InternalsVisibleTo.
    private static Method<EchoRequest, EchoReply> MethodAt(string name) =>
        new(MethodType.Unary, "fake", name, EchoRequest.Parser, EchoReply.Parser);

    private static void Grpc(HttpContext ctx) => ctx.Response.ContentType = "application/grpc";

    private void Map(string name, RequestDelegate handler) => _app!.MapPost($"/fake/{name}", handler);
}
