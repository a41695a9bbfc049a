using System.Globalization;
using RagPlatform.Ingestion.Tests.Crash;

namespace RagPlatform.Ingestion.Tests;

/// <summary>
/// The test assembly doubles as the crash-test child: `dotnet RagPlatform.Ingestion.Tests.dll ingest-worker ...`.
/// The test host does not call this entry point.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["ingest-worker", var root, var firstStep, var mode and ("run" or "drain")])
        {
            await IngestionCrashWorker.RunAsync(root, int.Parse(firstStep, CultureInfo.InvariantCulture), drain: mode == "drain");
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: ingest-worker <root> <first step> run|drain");
        return 2;
    }
}
