using Microsoft.Data.Sqlite;

namespace RagPlatform.Ingestion.Pipeline;

/// <summary>Recognises a full disk among the failures of file and SQLite writes.</summary>
public static class DiskFull
{
    private const int NoSpaceLeftOnDevice = 28;   // ENOSPC
    private const int QuotaExceeded = 122;        // EDQUOT
    private const int SqliteFull = 13;            // SQLITE_FULL

    /// <summary>True when <paramref name="exception"/> (or one it wraps) says the disk or quota is full.</summary>
    public static bool Is(Exception exception) =>
        exception is IOException { HResult: NoSpaceLeftOnDevice or QuotaExceeded } or SqliteException { SqliteErrorCode: SqliteFull }
        || (exception.InnerException is { } inner && Is(inner));
}
