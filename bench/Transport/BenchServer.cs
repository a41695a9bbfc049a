using System.Runtime;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.Bench.Transport.Protos;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Bench.Transport;

internal static class BenchServer
{
    /// <summary>The platform's own gRPC server (AddGrpcServer: grpc-dotnet, authentication, the exception interceptor).</summary>
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Grpc:Url"] = "http://127.0.0.1:0";
        builder.AddGrpcServer();
        await using var app = builder.Build();
        app.MapGrpcService<BenchService>().RequireAuthorization();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Console.WriteLine($"{{\"port\":{address.Port},\"serverGc\":{(GCSettings.IsServerGC ? "true" : "false")}}}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}

internal sealed class BenchService : Protos.Bench.BenchBase
{
    public override Task<Payload> Unary(Payload request, ServerCallContext context) => Task.FromResult(request);

    public override async Task Stream(StreamRequest request, IServerStreamWriter<Payload> responseStream, ServerCallContext context)
    {
        var message = new Payload { Data = ByteString.CopyFrom(new byte[request.Size]) };
        for (var i = 0; i < request.Count && !context.CancellationToken.IsCancellationRequested; i++)
        {
            await responseStream.WriteAsync(message);
        }
    }
}
