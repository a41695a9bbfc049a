using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RagPlatform.Grpc.Tests.Infrastructure;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Server;

[Trait("Category", "Unit")]
public sealed class ServiceBinderTests
{
    private static readonly ServiceDescriptor InteropTest = InteropTestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("InteropTest");

    [Fact]
    public async Task MapGrpcService_MethodMissing_FailsNamingTheMethodAndSignature()
    {
        await using var app = BuildApp<MissingStreamService>();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<MissingStreamService>(InteropTest));

        Assert.Contains("/ragtest.v1.InteropTest/StreamNumbers", ex.Message);
        Assert.Contains("Task StreamNumbers(StreamRequest request, IServerStreamWriter<NumberReply> responseStream, ServerCallContext context)", ex.Message);
    }

    [Fact]
    public async Task MapGrpcService_WrongSignature_FailsShowingWhatWasFound()
    {
        await using var app = BuildApp<WrongSignatureService>();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<WrongSignatureService>(InteropTest));

        Assert.Contains("WrongSignatureService.Echo must be 'Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)'", ex.Message);
        Assert.Contains("found 'EchoReply Echo(EchoRequest request)'", ex.Message);
    }

    [Fact]
    public async Task MapGrpcService_ClientAndBidiStreaming_AreRefusedAsUnsupported()
    {
        await using var app = BuildApp<StreamingService>();

        var ex = Assert.Throws<InvalidOperationException>(() =>
            app.MapGrpcService<StreamingService>(InteropTestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Streaming")));

        Assert.Contains("/ragtest.v1.Streaming/Collect is client streaming, which this transport does not support", ex.Message);
        Assert.Contains("/ragtest.v1.Streaming/Chat is bidirectional streaming", ex.Message);
    }

    [Fact]
    public async Task MapGrpcService_ServiceNotRegistered_Fails()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcTransport();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<InteropTestService>(InteropTest));

        Assert.Contains("is not registered", ex.Message);
    }

    [Fact]
    public async Task MapGrpcService_WithoutAddGrpcTransport_Fails()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<InteropTestService>();
        await using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<InteropTestService>(InteropTest));

        Assert.Contains("AddGrpcTransport", ex.Message);
    }

    [Fact]
    public async Task AddGrpcTransport_InvalidOptions_FailAtStart()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Grpc:MaxReceiveMessageSize"] = "0";
        builder.WebHost.UseGrpcEndpoint("http://127.0.0.1:0");
        builder.Services.AddGrpcTransport();
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync().DefaultTimeout());

        Assert.Contains("Grpc:MaxReceiveMessageSize must be positive", ex.Message);
    }

    [Fact]
    public void AddGrpcTransport_BindsTheGrpcSection()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Grpc:MaxSendMessageSize"] = "1234";
        builder.Configuration["Grpc:ResponseCompression"] = "Gzip";
        builder.Configuration["Grpc:EnableDetailedErrors"] = "true";
        builder.Services.AddGrpcTransport();
        using var provider = builder.Services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<GrpcServerOptions>>().Value;

        Assert.Equal(1234, options.MaxSendMessageSize);
        Assert.Equal(4 * 1024 * 1024, options.MaxReceiveMessageSize);
        Assert.Equal(GrpcCompression.Gzip, options.ResponseCompression);
        Assert.True(options.EnableDetailedErrors);
    }

    private static WebApplication BuildApp<TService>()
        where TService : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcTransport();
        builder.Services.AddSingleton<TService>();
        return builder.Build();
    }

    private sealed class MissingStreamService
    {
        public Task<EchoReply> Echo(EchoRequest request, ServerCallContext context) => Task.FromResult(new EchoReply());

        public Task<CallRecord> GetCallRecord(CallRecordRequest request, ServerCallContext context) => Task.FromResult(new CallRecord());

        public Task<SetHealthReply> SetHealth(SetHealthRequest request, ServerCallContext context) => Task.FromResult(new SetHealthReply());
    }

    private sealed class WrongSignatureService
    {
        public EchoReply Echo(EchoRequest request) => new();

        public Task StreamNumbers(StreamRequest request, IServerStreamWriter<NumberReply> responseStream, ServerCallContext context) => Task.CompletedTask;

        public Task<CallRecord> GetCallRecord(CallRecordRequest request, ServerCallContext context) => Task.FromResult(new CallRecord());

        public Task<SetHealthReply> SetHealth(SetHealthRequest request, ServerCallContext context) => Task.FromResult(new SetHealthReply());
    }

    private sealed class StreamingService;
}
