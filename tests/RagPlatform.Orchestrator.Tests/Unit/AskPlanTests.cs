using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Answering;

namespace RagPlatform.Orchestrator.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class AskPlanTests
{
    private static readonly AnsweringOptions Options = new();

    [Fact]
    public void From_Defaults_FilledFromOptions()
    {
        var plan = AskPlan.From(new AskRequest { Collection = "docs", Question = "  What is RAG?  " }, Options, DateTime.MaxValue);

        Assert.Equal("What is RAG?", plan.Question);
        Assert.Equal(RetrievalMode.Hybrid, plan.Mode);
        Assert.Equal(Options.DefaultTopK, plan.TopK);
        Assert.Equal(Options.DefaultTopN, plan.TopN);
        Assert.Equal(Options.DefaultMaxNewTokens, plan.MaxNewTokens);
    }

    [Theory]
    [InlineData(AnswerKind.Unspecified)]
    [InlineData(AnswerKind.Generative)]
    [InlineData(AnswerKind.Extractive)]
    public void From_AnswerKind_Kept(AnswerKind kind)
    {
        var plan = AskPlan.From(new AskRequest { Collection = "docs", Question = "q", Answer = kind }, Options, DateTime.MaxValue);

        Assert.Equal(kind, plan.Answer);
    }

    [Fact]
    public void From_UnknownAnswerKind_InvalidArgumentNamingTheField()
    {
        var error = Assert.Throws<RpcException>(() => AskPlan.From(new AskRequest { Collection = "docs", Question = "q", Answer = (AnswerKind)9 }, Options, DateTime.MaxValue));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("answer", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadFusionAndExtractiveSettings_NameTheKeys()
    {
        var options = new AnsweringOptions { FusionDenseWeight = 1.5f, Extractive = new() { MaxSentences = 0 } };

        var problems = options.Validate().ToList();

        Assert.Contains(problems, p => p.Contains("FusionDenseWeight", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Answering:Extractive:MaxSentences", StringComparison.Ordinal));
    }

    [Fact]
    public void FromSearch_Defaults_KIsDefaultTopN_RerankedFromDefaultTopKCandidates()
    {
        var plan = AskPlan.From(new SearchPassagesRequest { Collection = "docs", Query = " rag " }, Options, DateTime.MaxValue);

        Assert.Equal("rag", plan.Question);
        Assert.Equal(RetrievalMode.Hybrid, plan.Mode);
        Assert.Equal(Options.DefaultTopN, plan.TopN);
        Assert.Equal(Options.DefaultTopK, plan.TopK);
    }

    [Fact]
    public void FromSearch_SkipRerank_RetrievesKOnly()
    {
        var plan = AskPlan.From(new SearchPassagesRequest { Collection = "docs", Query = "q", K = 3, SkipRerank = true }, Options, DateTime.MaxValue);

        Assert.Equal(3, plan.TopK);
        Assert.Equal(3, plan.TopN);
    }

    [Theory]
    [InlineData(101, "k must be 1 to 100")]
    [InlineData(-1, "k must be 1 to 100")]
    public void FromSearch_KOutOfRange_InvalidArgumentNamingK(int k, string message)
    {
        var error = Assert.Throws<RpcException>(() => AskPlan.From(new SearchPassagesRequest { Collection = "docs", Query = "q", K = k }, Options, DateTime.MaxValue));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSearch_EmptyQuery_InvalidArgumentNamingQuery()
    {
        var error = Assert.Throws<RpcException>(() => AskPlan.From(new SearchPassagesRequest { Collection = "docs", Query = "  " }, Options, DateTime.MaxValue));

        Assert.Equal("query is empty.", error.Status.Detail);
    }

    [Fact]
    public void From_TopNAboveTopK_CappedAtTopK()
    {
        var plan = AskPlan.From(new AskRequest { Collection = "docs", Question = "q", TopK = 3, TopN = 10 }, Options, DateTime.MaxValue);

        Assert.Equal(3, plan.TopN);
    }

    [Theory]
    [InlineData("", "q", "collection")]
    [InlineData("Docs", "q", "collection")]
    [InlineData("../etc", "q", "collection")]
    [InlineData("docs", "   ", "question is empty")]
    [InlineData("docs", null, "question has 2001 characters")]
    public void From_BadCollectionOrQuestion_InvalidArgumentNamingTheField(string collection, string? question, string expected)
    {
        var request = new AskRequest { Collection = collection, Question = question ?? new string('x', 2001) };

        var error = Assert.Throws<RpcException>(() => AskPlan.From(request, Options, DateTime.MaxValue));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(101, 0, 0, "top_k")]
    [InlineData(-1, 0, 0, "top_k")]
    [InlineData(0, 21, 0, "top_n")]
    [InlineData(0, 0, -5, "max_new_tokens")]
    public void From_OutOfRangeNumbers_InvalidArgumentNamingTheField(int topK, int topN, int maxNewTokens, string field)
    {
        var request = new AskRequest { Collection = "docs", Question = "q", TopK = topK, TopN = topN, MaxNewTokens = maxNewTokens };

        var error = Assert.Throws<RpcException>(() => AskPlan.From(request, Options, DateTime.MaxValue));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UnsafeDocumentFilter_Refused()
    {
        var request = new AskRequest { Collection = "docs", Question = "q", DocumentIds = { "ok.md", "../secret" } };

        var error = Assert.Throws<RpcException>(() => AskPlan.From(request, Options, DateTime.MaxValue));

        Assert.Contains("document_ids", error.Status.Detail, StringComparison.Ordinal);
    }
}
