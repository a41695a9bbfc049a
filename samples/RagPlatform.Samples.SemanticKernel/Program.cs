using Microsoft.SemanticKernel;
using RagPlatform.Client;
using RagPlatform.SemanticKernel;

// Usage: --url <gateway> --api-key <key> [--collection <name>] [--question <text>]
// (or RAG_URL, RAG_API_KEY, RAG_COLLECTION, RAG_QUESTION). With no collection, the first one the key may read.
var url = Setting(args, "--url", "RAG_URL") ?? "http://127.0.0.1:8080";
var apiKey = Setting(args, "--api-key", "RAG_API_KEY");
if (string.IsNullOrWhiteSpace(apiKey) || !Uri.TryCreate(url, UriKind.Absolute, out var endpoint))
{
    await Console.Error.WriteLineAsync("Give the gateway and a key: --url http://127.0.0.1:8080 --api-key <key> (or RAG_URL / RAG_API_KEY).");
    return 2;
}

var kernel = Kernel.CreateBuilder().AddRagPlatform(endpoint, apiKey).Build();
var collection = Setting(args, "--collection", "RAG_COLLECTION")
    ?? (await kernel.GetRequiredService<RagPlatformClient>().ListCollectionsAsync()).FirstOrDefault()?.Name;
if (collection is null)
{
    await Console.Error.WriteLineAsync("This key sees no collection: create one and upload a document first (rag ingest).");
    return 1;
}

var question = Setting(args, "--question", "RAG_QUESTION") ?? "What are these documents about?";
var result = await kernel.InvokeAsync("rag", "ask", new KernelArguments { ["collection"] = collection, ["question"] = question });
var answer = result.GetValue<AnswerResource>() ?? throw new InvalidOperationException("The ask function returned no answer.");

Console.WriteLine($"Q: {question}");
Console.WriteLine($"A ({answer.AnswerKind}{(answer.ForgedModels ? ", forged models: noise" : "")}): {answer.Answer}");
foreach (var citation in answer.Citations.Where(c => c.Referenced))
{
    Console.WriteLine($"[{citation.N}] {citation.DocumentId}{(citation.Section.Length > 0 ? " § " + citation.Section : "")} ({citation.Start}-{citation.End})");
}

return 0;

static string? Setting(string[] args, string option, string environment)
{
    var at = Array.IndexOf(args, option);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : Environment.GetEnvironmentVariable(environment);
}
