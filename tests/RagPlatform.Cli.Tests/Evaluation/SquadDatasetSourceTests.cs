using RagPlatform.Evaluation.Squad;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Tests.Infrastructure;

namespace RagPlatform.Cli.Tests.Evaluation;

[Trait("Category", "Unit")]
public sealed class SquadDatasetSourceTests
{
    internal const string TwoArticles = """
        {"version":"v2.0","data":[
          {"title":"Normans","paragraphs":[
            {"context":"The Normans were in Normandy.","qas":[
              {"id":"q1","question":"Where were the Normans?","is_impossible":false,"answers":[{"text":"Normandy","answer_start":20},{"text":"in Normandy","answer_start":17}]},
              {"id":"q2","question":"Who ruled Mars?","is_impossible":true,"answers":[],"plausible_answers":[{"text":"Normans","answer_start":4}]}]},
            {"context":"Rollo was their leader.","qas":[
              {"id":"q3","question":"Who led the Normans?","answers":[{"text":"Rollo","answer_start":0}]}]}]},
          {"title":"Physics","paragraphs":[
            {"context":"Force equals mass times acceleration.","qas":[
              {"id":"q4","question":"What equals mass times acceleration?","is_impossible":false,"answers":[{"text":"Force","answer_start":0}]}]}]}]}
        """;

    [Fact]
    public async Task Read_KeepsAnswerableQuestions_WithTheirParagraphsDocumentIds()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TwoArticles));

        var set = SquadDatasetSource.Convert(await SquadDataset.ReadAsync(stream));

        Assert.Equal(["squad-000-000", "squad-000-001", "squad-001-000"], set.Paragraphs.Select(p => p.DocumentId));
        Assert.Equal(["q1", "q3", "q4"], set.Questions.Select(q => q.Id));
        Assert.Equal(1, set.Unanswerable);
        Assert.Equal("squad-000-001", set.Questions[1].Paragraph.DocumentId);
        Assert.Equal(["Normandy", "in Normandy"], set.Questions[0].Answers);
    }

    [Fact]
    public async Task LoadAsync_NotSquad_IsAUsageErrorNotACrash()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.File("other.json", """{"rows":[1,2,3]}""");

        var failure = await Assert.ThrowsAsync<CliException>(() => new SquadDatasetSource().LoadAsync(path, CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains("not a SQuAD file", failure.Message, StringComparison.Ordinal);
    }
}
