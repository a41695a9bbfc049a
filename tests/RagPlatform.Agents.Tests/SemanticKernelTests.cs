using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;
using Microsoft.SemanticKernel;
using RagPlatform.SemanticKernel;

namespace RagPlatform.Agents.Tests;

/// <summary>RagPlatform.SemanticKernel against the running platform: the plugin, the vector store and the sample app.</summary>
[Trait("Category", "EndToEnd")]
[Collection(AgentsPlatformCollection.Name)]
public sealed class SemanticKernelTests(AgentsPlatformFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PluginAsk_UploadedDocument_ReturnsAnswerCitingIt()
    {
        var kernel = Kernel.CreateBuilder().AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey).Build();

        var result = await kernel.InvokeAsync("rag", "ask", new KernelArguments
        {
            ["collection"] = AgentsPlatformFixture.Collection,
            ["question"] = AgentsPlatformFixture.Question,
        }).WaitAsync(Bound);

        var answer = result.GetValue<AnswerResource>()!;
        Assert.Contains("lava", answer.Answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(answer.Citations, c => c.Referenced && c.DocumentId == AgentsPlatformFixture.DocumentId);
    }

    [Fact]
    public async Task PluginSearch_Query_ReturnsThePassageWithItsDocumentAndSection()
    {
        var kernel = Kernel.CreateBuilder().AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey).Build();

        var result = await kernel.InvokeAsync("rag", "search", new KernelArguments
        {
            ["collection"] = AgentsPlatformFixture.Collection,
            ["query"] = "lava cools quickly",
            ["k"] = 1,
        }).WaitAsync(Bound);

        var found = result.GetValue<SearchResult>()!;
        var passage = Assert.Single(found.Passages);
        Assert.True(found.ForgedModels, "The tests' reranker is forged: the result must say so.");
        Assert.Equal(AgentsPlatformFixture.DocumentId, passage.DocumentId);
        Assert.Equal("Volcanic rocks > Basalt", passage.Section);
    }

    [Fact]
    public async Task PluginAsk_CollectionTheKeyCannotRead_FailsWithTheGateways403()
    {
        var kernel = Kernel.CreateBuilder().AddRagPlatform(fixture.GatewayUri, fixture.RestrictedKey).Build();

        var refused = await Assert.ThrowsAsync<RagPlatformException>(() => kernel.InvokeAsync("rag", "ask", new KernelArguments
        {
            ["collection"] = AgentsPlatformFixture.Collection,
            ["question"] = AgentsPlatformFixture.Question,
        }).WaitAsync(Bound));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task VectorStoreSearch_QueryText_ReturnsTheUploadedPassageFirst()
    {
        using var services = new ServiceCollection().AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey).BuildServiceProvider();
        var collection = services.GetRequiredService<VectorStore>().GetCollection<string, PassageResource>(AgentsPlatformFixture.Collection);

        var results = await collection.SearchAsync("lava cools quickly", top: 2).ToListAsync().AsTask().WaitAsync(Bound);

        Assert.InRange(results.Count, 1, 2);
        Assert.Equal(AgentsPlatformFixture.DocumentId, results[0].Record.DocumentId);
        Assert.Contains("Basalt forms when lava cools quickly", results[0].Record.Text, StringComparison.Ordinal);
        Assert.Equal(results[0].Record.Score, results[0].Score);
    }

    [Fact]
    public async Task VectorStore_RestrictedKey_ListsOnlyItsCollection()
    {
        using var services = new ServiceCollection().AddRagPlatform(fixture.GatewayUri, fixture.RestrictedKey).BuildServiceProvider();
        var store = services.GetRequiredService<VectorStore>();

        var names = await store.ListCollectionNamesAsync().ToListAsync().AsTask().WaitAsync(Bound);

        Assert.Equal([AgentsPlatformFixture.OtherCollection], names);
        Assert.True(await store.CollectionExistsAsync(AgentsPlatformFixture.OtherCollection).WaitAsync(Bound));
        Assert.False(await store.CollectionExistsAsync("no-such-collection").WaitAsync(Bound));
        Assert.False(await store.CollectionExistsAsync(AgentsPlatformFixture.Collection).WaitAsync(Bound));
    }

    [Fact]
    public async Task VectorStoreUpsert_AnyRecord_IsRefusedAsReadOnly()
    {
        using var services = new ServiceCollection().AddRagPlatform(fixture.GatewayUri, fixture.Platform.ApiKey).BuildServiceProvider();
        var collection = services.GetRequiredService<VectorStore>().GetCollection<string, PassageResource>(AgentsPlatformFixture.Collection);
        var passage = new PassageResource(1, "d", "", [], 0, 1, "x", 1, null, "c");

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => collection.UpsertAsync(passage));

        Assert.Contains("UploadDocumentAsync", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => collection.DeleteAsync("c"));
        Assert.Throws<NotSupportedException>(() => services.GetRequiredService<VectorStore>().GetCollection<int, PassageResource>(AgentsPlatformFixture.Collection));
    }

    [Fact]
    public async Task Sample_RunAgainstThePlatform_PrintsACitedAnswer()
    {
        var sample = TestPaths.ServiceDll("samples/RagPlatform.Samples.SemanticKernel", "RagPlatform.Samples.SemanticKernel");

        var run = await ExternalCommand.RunAsync("dotnet",
            [sample, "--url", fixture.Platform.GatewayUrl, "--api-key", fixture.Platform.ApiKey,
             "--collection", AgentsPlatformFixture.Collection, "--question", AgentsPlatformFixture.Question],
            TestPaths.RepoRoot, Bound);

        run.EnsureSuccess();
        Assert.Contains("lava cools quickly", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"[1] {AgentsPlatformFixture.DocumentId} § Volcanic rocks > Basalt", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void AddRagPlatform_NoApiKey_IsRefusedNamingTheSetting()
    {
        var refused = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRagPlatform(new Uri("http://127.0.0.1:8080"), " "));

        Assert.Contains("ApiKey is required", refused.Message, StringComparison.Ordinal);
    }
}
