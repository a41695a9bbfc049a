using System.Text;
using RagPlatform.Evaluation.Squad;

namespace RagPlatform.Evaluation.Tests.Squad;

[Trait("Category", "Unit")]
public sealed class SquadDatasetTests
{
    private const string TwoArticles = """
        {
          "version": "v2.0",
          "data": [
            { "title": "Normans", "paragraphs": [
              { "context": "The Normans were in Normandy.", "qas": [
                { "question": "Where were the Normans?", "id": "q1", "answers": [ { "text": "Normandy", "answer_start": 20 }, { "text": "in Normandy", "answer_start": 17 } ], "is_impossible": false },
                { "question": "Where were the Vikings?", "id": "q2", "answers": [], "plausible_answers": [ { "text": "Normandy", "answer_start": 20 } ], "is_impossible": true }
              ] },
              { "context": "Rollo was their leader.", "qas": [
                { "question": "Who led them?", "id": "q3", "answers": [ { "text": "Rollo", "answer_start": 0 } ] }
              ] }
            ] },
            { "title": "Oxygen", "paragraphs": [
              { "context": "Oxygen is element 8.", "qas": [] }
            ] }
          ]
        }
        """;

    private static Task<SquadDataset> Read(string json) => SquadDataset.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task ReadAsync_KeepsEveryParagraph_AndOnlyAnswerableQuestionsWithTheirGoldParagraph()
    {
        var dataset = await Read(TwoArticles);

        Assert.Equal("v2.0", dataset.Version);
        Assert.Equal(
            [
                new SquadParagraph("Normans/0", "Normans", "The Normans were in Normandy."),
                new SquadParagraph("Normans/1", "Normans", "Rollo was their leader."),
                new SquadParagraph("Oxygen/0", "Oxygen", "Oxygen is element 8."),
            ],
            dataset.Paragraphs);
        Assert.Equal(["q1", "q3"], dataset.Questions.Select(q => q.Id));
        Assert.Equal("Where were the Normans?", dataset.Questions[0].Text);
        Assert.Equal("Normans/0", dataset.Questions[0].ParagraphId);
        Assert.Equal(["Normandy", "in Normandy"], dataset.Questions[0].Answers);
        Assert.Equal("Normans/1", dataset.Questions[1].ParagraphId); // SQuAD 1.1 style: no is_impossible field
        Assert.Equal(1, dataset.UnanswerableQuestions);
    }

    [Fact]
    public async Task ReadAsync_RejectsTwoArticlesWithOneTitle()
    {
        const string json = """
            { "data": [
              { "title": "T", "paragraphs": [ { "context": "first", "qas": [] } ] },
              { "title": "T", "paragraphs": [ { "context": "second", "qas": [] } ] } ] }
            """;

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Read(json));
        Assert.Contains("'T/0' is ambiguous", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "version": "v2.0" }""")]
    [InlineData("""{ "data": [ { "title": "T", "paragraphs": [ { "qas": [] } ] } ] }""")]
    [InlineData("""{ "data": [ { "title": "T", "paragraphs": [ { "context": "c", "qas": [ { "id": "q", "question": "?", "answers": [ {} ] } ] } ] } ] }""")]
    public async Task ReadAsync_RejectsFilesOutsideTheSquadLayout(string json) =>
        await Assert.ThrowsAsync<InvalidDataException>(() => Read(json));

    [Fact]
    public async Task LoadAsync_OfTheSharedDevSet_FindsItsArticlesParagraphsAndQuestions()
    {
        var dataset = await SquadDataset.LoadAsync(Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json"));

        // The CS224n cut of SQuAD 2.0 dev (see the shared data README): 16 articles, 646 paragraphs, 2,910 of 6,078 answerable.
        Assert.Equal(16, dataset.Paragraphs.Select(p => p.ArticleTitle).Distinct().Count());
        Assert.Equal(646, dataset.Paragraphs.Count);
        Assert.Equal(2_910, dataset.Questions.Count);
        Assert.Equal(6_078 - 2_910, dataset.UnanswerableQuestions);
        Assert.Equal(dataset.Paragraphs.Count, dataset.Paragraphs.Select(p => p.Id).Distinct().Count());
        var paragraphs = dataset.Paragraphs.ToDictionary(p => p.Id);
        Assert.All(dataset.Questions, q => Assert.Contains(q.Answers[0], paragraphs[q.ParagraphId].Text, StringComparison.Ordinal));
    }
}
