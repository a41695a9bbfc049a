namespace RagPlatform.Retrieval;

/// <summary>Hierarchical navigable small world graph settings (Malkov and Yashunin, 2016).</summary>
/// <param name="M">Links per node on the upper layers; the base layer keeps up to 2·M.</param>
/// <param name="EfConstruction">Candidate list size while inserting: higher builds a better graph, slower.</param>
/// <param name="EfSearch">Candidate list size while searching (raised to the limit when the limit is larger).</param>
/// <param name="Seed">Node levels derive from it and the slot, so a build is reproducible.</param>
public sealed record HnswParameters(int M = 16, int EfConstruction = 200, int EfSearch = 100, ulong Seed = 42)
{
    internal void Validate()
    {
        if (M is < 2 or > 128 || EfConstruction is < 1 or > 4096 || EfSearch is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(HnswParameters), this,
                "HNSW needs 2 <= M <= 128 and 1 <= EfConstruction, EfSearch <= 4096.");
        }
    }
}
