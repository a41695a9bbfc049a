namespace RagPlatform.Retrieval.Tests.Infrastructure;

/// <summary>The data files of the shared folder these tests read.</summary>
internal static class SharedFiles
{
    public static string SquadDev => Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json");
}
