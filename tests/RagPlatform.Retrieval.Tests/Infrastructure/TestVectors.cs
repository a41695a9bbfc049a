namespace RagPlatform.Retrieval.Tests.Infrastructure;

internal static class TestVectors
{
    /// <summary>Deterministic pseudo-random unit-ish vectors with components in [-1, 1).</summary>
    public static float[][] Random(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                vectors[i][d] = (float)((random.NextDouble() * 2) - 1);
            }
        }

        return vectors;
    }
}
