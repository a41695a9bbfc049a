using System.Security.Cryptography;
using System.Text;

namespace RagPlatform.ModelStore.Tests.Infrastructure;

/// <summary>Small repositories for <see cref="FakeModelHub"/>, specs that install them, and options tuned for tests.</summary>
internal static class TestRepos
{
    public const string Repository = "test-owner/tiny-encoder";

    /// <summary>A made-up commit of the made-up repository above.</summary>
    public const string Revision = "0123456789abcdef0123456789abcdef01234567";

    public const string Onnx = "onnx/model.onnx";

    /// <summary>
    /// An encoder in the transformers.js layout: small plain-git files and an LFS graph of random bytes, big enough
    /// (3 MiB by default) for a transfer to be cut in the middle.
    /// </summary>
    public static Dictionary<string, FakeHubFile> Encoder(int onnxBytes = 3 * 1024 * 1024, int seed = 7)
    {
        var weights = new byte[onnxBytes];
        new Random(seed).NextBytes(weights);
        return new Dictionary<string, FakeHubFile>(StringComparer.Ordinal)
        {
            ["config.json"] = Text("""{"architectures": ["BertModel"], "model_type": "bert", "num_hidden_layers": 2}"""),
            ["tokenizer.json"] = Text("""{"version": "1.0", "model": {"type": "WordPiece"}}"""),
            ["vocab.txt"] = Text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n"),
            [Onnx] = new FakeHubFile(weights, Lfs: true),
        };
    }

    public static FakeHubFile Text(string content) => new(Encoding.UTF8.GetBytes(content), Lfs: false);

    /// <summary>A spec listing every file; <paramref name="pin"/> pins each sha256 and size as the catalog does.</summary>
    public static ModelSpec Spec(IReadOnlyDictionary<string, FakeHubFile> files, bool pin, string name = "tiny-encoder", ModelRole role = ModelRole.Embedder) =>
        new(name, role, Repository, Revision,
            files.OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new ModelFile(f.Key, pin ? f.Value.Sha256 : null, pin ? f.Value.Content.Length : null))
                .ToList());

    /// <summary>Real limits, but backoff in milliseconds so retry tests stay fast.</summary>
    public static ModelStoreOptions Options(FakeModelHub hub, string? token = null) => new()
    {
        Hub = hub.HubUrl,
        Token = token,
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ResponseTimeout = TimeSpan.FromSeconds(10),
        ReadTimeout = TimeSpan.FromSeconds(10),
    };

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Writes the files under <paramref name="root"/> at their repository paths (an offline copy for imports).</summary>
    public static void WriteTo(string root, IReadOnlyDictionary<string, FakeHubFile> files)
    {
        foreach (var (path, file) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, file.Content);
        }
    }
}
