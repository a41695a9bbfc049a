namespace RagPlatform.Storage;

/// <summary>
/// The shared store cannot be reached or answered too late: a condition of the platform, not of the request. Callers
/// answer UNAVAILABLE / 503 and retry later; its message says nothing of where the database is.
/// </summary>
public sealed class StoreUnavailableException(Exception innerException)
    : Exception("The platform's database (PostgreSQL) is unreachable or too slow; retry later.", innerException);
