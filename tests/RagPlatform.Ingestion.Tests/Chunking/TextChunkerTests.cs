using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Ingestion.Tests.Infrastructure;

namespace RagPlatform.Ingestion.Tests.Chunking;

[Trait("Category", "Unit")]
[Collection(EnvironmentCollection.Name)]
public sealed class TextChunkerTests(TestEnvironment env)
{
    private static readonly string Sentences = string.Join(' ', Enumerable.Range(1, 40).Select(i => $"Sentence number {i} talks about rivers and hills."));

    private static ParsedDocument Document(params (string[] Path, string Body)[] sections)
    {
        var text = "";
        var list = new List<DocumentSection>();
        foreach (var (path, body) in sections)
        {
            text += text.Length > 0 ? "\n\n" : "";
            list.Add(new DocumentSection(path, text.Length, text.Length + body.Length, DocumentSection.NoMetadata));
            text += body;
        }

        return new ParsedDocument(text, list);
    }

    [Fact]
    public void Chunks_FitTheLimit_MapBackToTheText_AndNeverCrossSections()
    {
        var document = Document((["A"], Sentences + "\n\nShort paragraph."), (["B"], "Tiny section."));
        var chunker = env.Chunker(target: 48, overlap: 10);

        var chunks = chunker.Chunk("doc", document);

        Assert.True(chunks.Count > 3);
        foreach (var chunk in chunks)
        {
            Assert.Equal(document.Text[chunk.Start..chunk.End], chunk.Text);
            Assert.Equal(env.Tokenizer.Encode(chunk.Text, addSpecialTokens: false).Length, chunk.TokenCount);
            Assert.InRange(chunk.TokenCount, 1, 48);
            var section = document.Sections.Single(s => s.Path.SequenceEqual(chunk.SectionPath));
            Assert.InRange(chunk.Start, section.Start, section.End);
            Assert.InRange(chunk.End, section.Start, section.End);
        }

        Assert.Equal(["B"], chunks[^1].SectionPath);
        Assert.Equal("Tiny section.", chunks[^1].Text);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Chunks_SplitAtSentences_WithOverlap()
    {
        var chunks = env.Chunker(target: 48, overlap: 14).Chunk("doc", Document(([], Sentences)));

        foreach (var chunk in chunks)
        {
            Assert.StartsWith("Sentence number", chunk.Text);
            Assert.EndsWith(".", chunk.Text);
        }

        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Start < chunks[i - 1].End, $"chunk {i} does not overlap its predecessor");
            Assert.True(chunks[i].End > chunks[i - 1].End, $"chunk {i} adds no new text");
        }
    }

    [Fact]
    public void ParagraphThatFits_IsOneChunk()
    {
        var chunks = env.Chunker(target: 48, overlap: 0).Chunk("doc", Document(([], "One short paragraph.\n\nAnother short one.")));

        Assert.Equal(["One short paragraph.\n\nAnother short one."], chunks.Select(c => c.Text));
    }

    [Fact]
    public void OverlongSentence_IsHardSplitWithinTheLimit()
    {
        var words = string.Join(' ', Enumerable.Range(0, 300).Select(i => "word" + i));
        var chunks = env.Chunker(target: 32, overlap: 0).Chunk("doc", Document(([], words)));

        Assert.True(chunks.Count > 2);
        Assert.All(chunks, c => Assert.InRange(env.Tokenizer.Encode(c.Text, addSpecialTokens: false).Length, 1, 32));
        Assert.Equal(words.Replace(" ", "", StringComparison.Ordinal), string.Concat(chunks.Select(c => c.Text.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void Ids_DeriveFromDocumentOrdinalAndText()
    {
        var document = Document(([], Sentences));
        var a = env.Chunker().Chunk("doc", document);
        var b = env.Chunker().Chunk("doc", document);
        var other = env.Chunker().Chunk("other", document);

        Assert.Equal(a.Select(c => c.Id), b.Select(c => c.Id));
        Assert.Empty(a.Select(c => c.Id).Intersect(other.Select(c => c.Id)));
        Assert.Equal(a.Count, a.Select(c => c.Id).Distinct().Count());
    }
}
