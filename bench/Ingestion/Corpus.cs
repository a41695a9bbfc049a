namespace RagPlatform.Bench.Ingestion;

/// <summary>The HTML pages of a documentation folder, and the evenly spaced subset a run ingests.</summary>
internal sealed record Corpus(IReadOnlyList<string> All, IReadOnlyList<string> Selected)
{
    /// <param name="maxDocuments">0 for every page; otherwise this many pages, evenly spaced over the sorted list so
    /// the subset mixes the folders (tutorial, library reference, C API, indexes) as the whole set does.</param>
    public static Corpus Open(string folder, int maxDocuments)
    {
        var all = Directory.EnumerateFiles(folder, "*.html", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (maxDocuments <= 0 || maxDocuments >= all.Count)
        {
            return new Corpus(all, all);
        }

        var step = all.Count / (double)maxDocuments;
        return new Corpus(all, [.. Enumerable.Range(0, maxDocuments).Select(i => all[(int)(i * step)])]);
    }

    public bool IsSubset => Selected.Count < All.Count;

    public static long Bytes(IEnumerable<string> files) => files.Sum(f => new FileInfo(f).Length);
}
