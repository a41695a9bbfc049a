using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagPlatform.Bench.Transport.Protos;
using RagPlatform.Grpc;

namespace RagPlatform.Bench.Transport;

internal static class BenchServer
{
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseGrpcEndpoint("http://127.0.0.1:0");
        builder.Services.AddGrpcTransport();
        builder.Services.AddSingleton<BenchService>();
        await using var app = builder.Build();
        app.MapGrpcService<BenchService>(BenchReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Bench"));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Console.WriteLine($"{{\"port\":{address.Port}}}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}

internal sealed class BenchService
{
    public Task<Payload> Unary(Payload request, ServerCallContext context) => Task.FromResult(request);

    public async Task Stream(StreamRequest request, IServerStreamWriter<Payload> responseStream, ServerCallContext context)
    {
        var message = new Payload { Data = ByteString.CopyFrom(new byte[request.Size]) };
        for (var i = 0; i < request.Count && !context.CancellationToken.IsCancellationRequested; i++)
        {
            await responseStream.WriteAsync(message);
        }
    }
}
