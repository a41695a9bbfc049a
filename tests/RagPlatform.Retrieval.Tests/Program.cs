using RagPlatform.Retrieval.Tests.Embedded;

namespace RagPlatform.Retrieval.Tests;

/// <summary>
/// The test assembly doubles as the crash-test child: `dotnet RagPlatform.Retrieval.Tests.dll crash-worker ...`.
/// The test host does not call this entry point.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["crash-worker", var root, var firstBatch])
        {
            await CrashWorker.RunAsync(root, int.Parse(firstBatch, System.Globalization.CultureInfo.InvariantCulture));
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: crash-worker <index root> <first batch number>");
        return 2;
    }
}
