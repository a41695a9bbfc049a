namespace RagPlatform.Tokenizers;

/// <summary>How a pair is cut down to a maximum length (special tokens count toward it), as in Hugging Face tokenizers.</summary>
public enum TruncationStrategy
{
    /// <summary>Remove tokens from the longer sequence first, so both end up as balanced as possible.</summary>
    LongestFirst,

    /// <summary>Only cut the first sequence; fails if it cannot absorb the whole excess.</summary>
    OnlyFirst,

    /// <summary>Only cut the second sequence (a reranker's passage, never its query); fails if it cannot absorb the whole excess.</summary>
    OnlySecond,
}
