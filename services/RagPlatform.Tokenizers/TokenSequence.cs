namespace RagPlatform.Tokenizers;

/// <summary>The tokens of one sequence before special tokens are added.</summary>
internal sealed class TokenSequence
{
    public List<int> Ids { get; } = new(64);

    public List<TokenOffset> Offsets { get; } = new(64);

    /// <summary>Per token: true when it ends a pre-token the model tokenized (not an added token).</summary>
    private List<bool> WordEnds { get; } = new(64);

    public int Count => Ids.Count;

    public void Add(int id, int start, int end)
    {
        Ids.Add(id);
        Offsets.Add(new TokenOffset(start, end));
        WordEnds.Add(false);
    }

    /// <summary>Marks the last token as the end of a model-tokenized word.</summary>
    public void EndWord()
    {
        if (WordEnds.Count > 0)
        {
            WordEnds[^1] = true;
        }
    }

    /// <summary>
    /// The length tokenizers 0.23 sees when truncation is on: it stops tokenizing after the first word that brings
    /// the count to <paramref name="limit"/> or more.
    /// </summary>
    public int LengthSeenWithLimit(int limit)
    {
        for (var i = limit - 1; i < WordEnds.Count; i++)
        {
            if (WordEnds[i])
            {
                return i + 1;
            }
        }

        return Count;
    }

    public void Truncate(int length)
    {
        if (length < Ids.Count)
        {
            Ids.RemoveRange(length, Ids.Count - length);
            Offsets.RemoveRange(length, Offsets.Count - length);
            WordEnds.RemoveRange(length, WordEnds.Count - length);
        }
    }
}
