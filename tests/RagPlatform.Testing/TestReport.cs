namespace RagPlatform.Testing;

/// <summary>
/// Lines a suite wants a human to read after the run (counts of kills survived, inputs fuzzed): appended to
/// artifacts/test-results/reports/&lt;suite&gt;.txt, which ./test.sh prints at the end. Test loggers hide the
/// output of passing tests; this does not depend on them.
/// </summary>
public static class TestReport
{
    private static readonly Lock Gate = new();

    public static void Write(string suite, string line)
    {
        var directory = Path.Combine(TestPaths.RepoRoot, "artifacts", "test-results", "reports");
        Directory.CreateDirectory(directory);
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(directory, suite + ".txt"), $"{suite}: {line}{Environment.NewLine}");
        }
    }
}
