using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>
/// A seeded Gaussian mixture with a low intrinsic dimension, the shape real sentence embeddings have and uniform
/// random vectors lack (in 384-d every uniform point is nearly equidistant from every other, which no ANN index
/// handles and no corpus looks like):
/// <list type="number">
/// <item><see cref="Clusters"/> centres drawn from N(0, I) in a <see cref="LatentDimensions"/>-d latent space;</item>
/// <item>a point picks a centre uniformly and adds N(0, <see cref="ClusterSpread"/>² I) in the latent space;</item>
/// <item>it is mapped into 384-d by a fixed random orthonormal basis, gets N(0, <see cref="Noise"/>² I) in all 384
/// dimensions, and is L2-normalised.</item>
/// </list>
/// Queries come from the same process with other random draws, so they are new points, never base points.
/// Every block of points has its own seeded generator: the output does not depend on the thread count.
/// </summary>
internal sealed record ClusteredVectors(int Dimensions = 384, int LatentDimensions = 48, int Clusters = 1024,
    double ClusterSpread = 1.0, double Noise = 0.03, int Seed = 20250611)
{
    private const int BlockSize = 4096;
    private const int QueryBlockOffset = 1 << 24;

    public string Describe() =>
        $"Gaussian mixture: {Clusters} clusters, latent dimension {LatentDimensions}, spread {ClusterSpread}, " +
        $"ambient noise {Noise} per dimension, {Dimensions}-d, L2-normalised, seed {Seed}";

    public void WriteBase(Stream output, int count) => Write(output, count, firstBlock: 0);

    public void WriteQueries(Stream output, int count) => Write(output, count, firstBlock: QueryBlockOffset);

    private void Write(Stream output, int count, int firstBlock)
    {
        var (basis, centres) = Model();
        var blocks = (count + BlockSize - 1) / BlockSize;
        const int BlocksPerBatch = 16; // generated in parallel, written in order
        for (var batch = 0; batch < blocks; batch += BlocksPerBatch)
        {
            var results = new float[Math.Min(BlocksPerBatch, blocks - batch)][];
            Parallel.For(0, results.Length, i =>
            {
                var block = batch + i;
                var points = Math.Min(BlockSize, count - (block * BlockSize));
                results[i] = Points(basis, centres, points, new Random(BlockSeed(firstBlock + block)));
            });

            foreach (var block in results)
            {
                output.Write(MemoryMarshal.AsBytes(block.AsSpan()));
            }
        }
    }

    /// <summary>The orthonormal basis (LatentDimensions rows of Dimensions) and the cluster centres.</summary>
    private (float[][] Basis, float[][] Centres) Model()
    {
        var random = new Random(Seed);
        var basis = new float[LatentDimensions][];
        for (var row = 0; row < LatentDimensions; row++)
        {
            var v = Gaussians(random, Dimensions, 1.0);
            for (var previous = 0; previous < row; previous++)
            {
                // Gram–Schmidt against the rows before: the latent geometry reaches 384-d undistorted.
                TensorPrimitives.MultiplyAdd(basis[previous], -TensorPrimitives.Dot(v, basis[previous]), v, v);
            }

            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            basis[row] = v;
        }

        var centres = new float[Clusters][];
        for (var c = 0; c < Clusters; c++)
        {
            centres[c] = Gaussians(random, LatentDimensions, 1.0);
        }

        return (basis, centres);
    }

    private float[] Points(float[][] basis, float[][] centres, int count, Random random)
    {
        var data = new float[count * Dimensions];
        for (var i = 0; i < count; i++)
        {
            var point = data.AsSpan(i * Dimensions, Dimensions);
            var latent = Gaussians(random, LatentDimensions, ClusterSpread);
            TensorPrimitives.Add(latent, centres[random.Next(Clusters)], latent);
            Gaussians(random, Dimensions, Noise).CopyTo(point);
            for (var j = 0; j < LatentDimensions; j++)
            {
                TensorPrimitives.MultiplyAdd(basis[j], latent[j], point, point);
            }

            TensorPrimitives.Divide(point, TensorPrimitives.Norm(point), point);
        }

        return data;
    }

    private int BlockSeed(int block)
    {
        // SplitMix64 of (seed, block), folded to the int System.Random takes.
        var z = ((ulong)(uint)Seed << 32) + (ulong)block + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>Box–Muller normals with standard deviation <paramref name="sigma"/>.</summary>
    private static float[] Gaussians(Random random, int count, double sigma)
    {
        var values = new float[count];
        for (var i = 0; i < count; i += 2)
        {
            var radius = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < count)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }

        return values;
    }
}
