using System.Numerics.Tensors;
using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval.Extractive;

/// <summary>A sentence of one of the passages offered: the passage's position in the list given, where, and its text.</summary>
public sealed record CandidateSentence(int Passage, SentenceSpan Span, string Text);

/// <summary>A candidate with its score and the two parts it was made of.</summary>
public sealed record ScoredSentence(CandidateSentence Sentence, float Score, float Dense, float Lexical);

/// <summary>Bounds and weights of an extractive answer; validated by <see cref="SentenceSelector"/>.</summary>
public sealed record ExtractiveSettings
{
    /// <summary>The best passages whose sentences compete (the rest are cited, not quoted).</summary>
    public int MaxPassages { get; init; } = 3;

    /// <summary>Sentences scored at most, taken in passage order: bounds the embedding work per answer.</summary>
    public int MaxCandidates { get; init; } = 48;

    /// <summary>Sentences quoted at most.</summary>
    public int MaxSentences { get; init; } = 3;

    /// <summary>Characters quoted at most (markers excluded); the best sentence is quoted whatever its length.</summary>
    public int MaxCharacters { get; init; } = 600;

    /// <summary>Shorter sentences are headings, table cells or fragments, not answers.</summary>
    public int MinSentenceWords { get; init; } = 4;

    /// <summary>Longer "sentences" are code blocks or tables run together; they are not quoted.</summary>
    public int MaxSentenceCharacters { get; init; } = 500;

    /// <summary>The embedder's share of a sentence's score (cosine to the question); the rest is lexical overlap.</summary>
    public float DenseWeight { get; init; } = 0.5f;

    /// <summary>Added to a sentence's score as prior / (1 + passage position): retrieval's order counts a little.</summary>
    public float RankPrior { get; init; } = 0.1f;

    /// <summary>A sentence after the best is quoted only when it scores at least this share of the best.</summary>
    public float MinRelativeScore { get; init; } = 0.6f;

    public IEnumerable<string> Validate(string prefix)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(MaxPassages), MaxPassages), (nameof(MaxCandidates), MaxCandidates), (nameof(MaxSentences), MaxSentences),
            (nameof(MaxCharacters), MaxCharacters), (nameof(MinSentenceWords), MinSentenceWords), (nameof(MaxSentenceCharacters), MaxSentenceCharacters),
        })
        {
            if (value < 1)
            {
                yield return $"{prefix}{name} must be positive (was {value}).";
            }
        }

        foreach (var (name, value) in new[] { (nameof(DenseWeight), DenseWeight), (nameof(RankPrior), RankPrior), (nameof(MinRelativeScore), MinRelativeScore) })
        {
            if (!float.IsFinite(value) || value is < 0 or > 1)
            {
                yield return $"{prefix}{name} must be 0 to 1 (was {value}).";
            }
        }
    }
}

/// <summary>
/// Picks the sentences of the best passages that best answer a question. Each candidate scores
/// w · cosine(question, sentence) + (1 − w) · lexical overlap + prior / (1 + passage position), where lexical overlap is
/// the IDF-weighted share of the question's terms (stemmed, stop words dropped; IDF over the candidates) the sentence
/// holds. Without sentence vectors (embedder down, or forged) the score is lexical alone. Thread-safe.
/// </summary>
public sealed class SentenceSelector
{
    private readonly ExtractiveSettings _settings;
    private readonly TextAnalyzer _analyzer = new();

    public SentenceSelector(ExtractiveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Validate("").FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        _settings = settings;
    }

    public ExtractiveSettings Settings => _settings;

    /// <summary>The sentences worth scoring from the first <see cref="ExtractiveSettings.MaxPassages"/> passages, in order.</summary>
    public IReadOnlyList<CandidateSentence> Candidates(IReadOnlyList<string> passages)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var candidates = new List<CandidateSentence>();
        for (var p = 0; p < Math.Min(passages.Count, _settings.MaxPassages) && candidates.Count < _settings.MaxCandidates; p++)
        {
            foreach (var span in SentenceSplitter.Split(passages[p]))
            {
                var text = passages[p].Substring(span.Start, span.Length);
                if (span.Length <= _settings.MaxSentenceCharacters && Words(text) >= _settings.MinSentenceWords && !LooksLikeCode(text)
                    && candidates.Count < _settings.MaxCandidates)
                {
                    candidates.Add(new CandidateSentence(p, span, text));
                }
            }
        }

        return candidates;
    }

    /// <summary>Every candidate scored, best first (ties keep passage order).</summary>
    /// <param name="questionVector">The question's unit vector, or null to score lexically alone.</param>
    /// <param name="sentenceVectors">One unit vector per candidate, or null.</param>
    public IReadOnlyList<ScoredSentence> Rank(string question, ReadOnlySpan<float> questionVector, IReadOnlyList<CandidateSentence> candidates,
        IReadOnlyList<float[]>? sentenceVectors)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(candidates);
        var dense = !questionVector.IsEmpty && sentenceVectors is not null;
        if (dense && sentenceVectors!.Count != candidates.Count)
        {
            throw new ArgumentException($"{sentenceVectors.Count} vectors for {candidates.Count} sentences.", nameof(sentenceVectors));
        }

        var questionTerms = _analyzer.Analyze(question).ToHashSet(StringComparer.Ordinal);
        var sentenceTerms = candidates.Select(c => _analyzer.Analyze(c.Text).ToHashSet(StringComparer.Ordinal)).ToList();
        var idf = questionTerms.ToDictionary(t => t, t => Idf(sentenceTerms.Count(s => s.Contains(t)), candidates.Count), StringComparer.Ordinal);
        var reachable = idf.Values.Sum();
        var weight = dense ? _settings.DenseWeight : 0f;
        var scored = new List<ScoredSentence>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var lexical = reachable > 0 ? (float)(sentenceTerms[i].Where(questionTerms.Contains).Sum(t => idf[t]) / reachable) : 0f;
            var cosine = dense ? TensorPrimitives.Dot(questionVector, sentenceVectors![i]) : 0f;
            var score = (weight * cosine) + ((1 - weight) * lexical) + (_settings.RankPrior / (1 + candidates[i].Passage));
            scored.Add(new ScoredSentence(candidates[i], score, cosine, lexical));
        }

        return [.. scored.Select((s, i) => (s, i)).OrderByDescending(x => x.s.Score).ThenBy(x => x.i).Select(x => x.s)];
    }

    /// <summary>What to quote: the best sentence, then the next best while they score close to it and fit the bounds; no repeats.</summary>
    public IReadOnlyList<ScoredSentence> Choose(IReadOnlyList<ScoredSentence> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var chosen = new List<ScoredSentence>();
        var characters = 0;
        foreach (var sentence in ranked)
        {
            if (chosen.Count == _settings.MaxSentences)
            {
                break;
            }

            var fits = chosen.Count == 0 || (characters + sentence.Sentence.Text.Length <= _settings.MaxCharacters
                && sentence.Score >= _settings.MinRelativeScore * chosen[0].Score);
            if (fits && !chosen.Any(c => string.Equals(c.Sentence.Text, sentence.Sentence.Text, StringComparison.Ordinal)))
            {
                chosen.Add(sentence);
                characters += sentence.Sentence.Text.Length;
            }
        }

        return chosen;
    }

    /// <summary>Smoothed inverse document frequency over the candidate sentences; a term no candidate holds counts 0.</summary>
    private static double Idf(int holding, int count) => holding == 0 ? 0 : Math.Log(1 + ((count + 1.0) / holding));

    /// <summary>
    /// Code is not an answer to quote: a README's snippet often repeats the very words of a question about it, and would
    /// win on overlap. Code is told from prose by statement syntax (a line ending in ';', braces, a lambda arrow, an
    /// assignment), by calls (two names glued to their parentheses) or by a density of code punctuation no prose sentence
    /// reaches (parentheses, brackets, '=' and the like: a sentence with two parenthetical remarks stays well under it).
    /// </summary>
    internal static bool LooksLikeCode(string text)
    {
        if (text.Contains(";\n", StringComparison.Ordinal) || text.TrimEnd().EndsWith(';') || text.Contains('{') || text.Contains('}')
            || text.Contains("=>", StringComparison.Ordinal) || text.Contains(" = ", StringComparison.Ordinal))
        {
            return true;
        }

        int symbols = 0, visible = 0, calls = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            visible++;
            // A name glued to its parenthesis is a call; prose puts a space before a parenthetical remark.
            calls += c == '(' && i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_') ? 1 : 0;
            symbols += c is '(' or ')' or '[' or ']' or '<' or '>' or '=' or '`' or '$' or '|' or '\\' or '_' ? 1 : 0;
        }

        return calls >= 2 || (visible > 0 && symbols > visible * 0.06);
    }

    private static int Words(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            words += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return words;
    }
}
