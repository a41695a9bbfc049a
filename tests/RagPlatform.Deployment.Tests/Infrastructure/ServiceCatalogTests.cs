namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>The catalog the deployment checks rely on describes the services faithfully.</summary>
[Trait("Category", "Unit")]
public sealed class ServiceCatalogTests
{
    [Theory]
    [InlineData("embedder")]
    [InlineData("reranker")]
    [InlineData("generator")]
    [InlineData("orchestrator")]
    [InlineData("gateway")]
    public void Schema_CoversEveryKeyOfTheServicesAppSettings(string name)
    {
        var service = ServiceCatalog.Get(name);

        var unknown = ConfigurationSchema.AppSettingsKeys(service.AppSettingsPath).Where(k => !service.Schema.Contains(k));

        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("embedder", "Embedder__MaxBatchSise")]
    [InlineData("embedder", "Orchestrator__DataDirectory")]
    [InlineData("gateway", "Grpc__Url")]
    [InlineData("gateway", "OnnxRuntime__ExecutionProvider")]
    [InlineData("embedder", "OnnxRuntime__LibraryPath")]
    [InlineData("orchestrator", "Downstream__Qdrant__Url")]
    [InlineData("orchestrator", "Orchestrator__FullDataDirectory")]
    [InlineData("reranker", "Logging__LogLevel")]
    public void Schema_RejectsWhatTheServiceDoesNotRead(string name, string variable)
    {
        Assert.False(ServiceCatalog.Get(name).Schema.AcceptsEnvironmentVariable(variable));
    }

    [Theory]
    [InlineData("embedder", "embedder__maxbatchsize")]
    [InlineData("generator", "OnnxRuntime__ExecutionProvider")]
    [InlineData("embedder", "Embedder__GraphOptimization")]
    [InlineData("orchestrator", "Downstream__Generator__BreakDuration")]
    [InlineData("gateway", "Grpc__SharedToken")]
    [InlineData("gateway", "Logging__LogLevel__Microsoft.AspNetCore")]
    [InlineData("reranker", "Host__ShutdownTimeout")]
    public void Schema_AcceptsWhatTheServiceReads(string name, string variable)
    {
        Assert.True(ServiceCatalog.Get(name).Schema.AcceptsEnvironmentVariable(variable));
    }

    [Fact]
    public void HealthNames_AreTheOnesTheServicesRegister()
    {
        Assert.Equal(["rag.v1.Embedder"], ServiceCatalog.Get("embedder").HealthServices);
        Assert.Equal(["rag.v1.Reranker"], ServiceCatalog.Get("reranker").HealthServices);
        Assert.Equal(["rag.v1.Generator"], ServiceCatalog.Get("generator").HealthServices);
        Assert.Equal(["rag.v1.Collections", "rag.v1.Answers"], ServiceCatalog.Get("orchestrator").HealthServices);
        Assert.Equal(("/healthz", "/readyz"), (ServiceCatalog.Get("gateway").LivenessPath, ServiceCatalog.Get("gateway").ReadinessPath));
    }

    [Fact]
    public void ProjectClosure_FollowsReferencesTransitively()
    {
        var closure = ServiceCatalog.ProjectClosure(ServiceCatalog.Get("embedder").ProjectPath);

        Assert.Contains("services/RagPlatform.Inference/RagPlatform.Inference.csproj", closure);
        Assert.Contains("services/RagPlatform.ServiceDefaults/RagPlatform.ServiceDefaults.csproj", closure);
        Assert.DoesNotContain("services/RagPlatform.Client/RagPlatform.Client.csproj", closure);
    }
}
