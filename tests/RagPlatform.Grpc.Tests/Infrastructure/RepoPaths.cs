namespace RagPlatform.Grpc.Tests.Infrastructure;

internal static class RepoPaths
{
    /// <summary>The folder holding RagPlatform.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string NodeInterop => Path.Combine(Root, "tests", "node", "grpc-interop");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RagPlatform.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("RagPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
