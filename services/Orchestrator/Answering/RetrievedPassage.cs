using RagPlatform.Contracts.V1;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Retrieval;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>A chunk found for a question, with where it sits in its document and how well it matched.</summary>
internal sealed record RetrievedPassage(
    string ChunkId,
    string DocumentId,
    IReadOnlyList<string> Section,
    int Start,
    int End,
    string Text,
    string? Title,
    float Score)
{
    /// <summary>Reads the payload the ingestion pipeline wrote; missing fields read as empty.</summary>
    public static RetrievedPassage From(SearchHit hit, float score)
    {
        string? Text(string field) => hit.Payload.TryGetValue(field, out var v) && v.Kind == PayloadKind.String ? v.AsString() : null;
        int Number(string field) => hit.Payload.TryGetValue(field, out var v) && v.Kind == PayloadKind.Integer ? (int)v.AsInteger() : 0;
        var section = hit.Payload.TryGetValue("section", out var s) && s.Kind == PayloadKind.StringList ? s.AsStringList() : [];
        return new RetrievedPassage(hit.Id, Text(IngestionPipeline.DocumentIdField) ?? "", section, Number("start"), Number("end"),
            hit.Text, Text("title"), score);
    }

    public Passage ToWire(int n)
    {
        var passage = new Passage
        {
            N = n,
            DocumentId = DocumentId,
            Start = Start,
            End = End,
            Text = Text,
            Score = Score,
            ChunkId = ChunkId,
            Title = Title ?? "",
        };
        passage.Section.AddRange(Section);
        return passage;
    }
}
