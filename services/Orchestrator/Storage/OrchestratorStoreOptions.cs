using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>
/// Where the orchestrator keeps its documents, their queue and their uploaded bytes; keys of section "Orchestrator"
/// (Orchestrator:Store, Orchestrator:PostgresConnectionString, ...). Embedded: SQLite and files in the data directory,
/// one replica. Postgres: everything in one database, so several orchestrators share the queue.
/// </summary>
public sealed class OrchestratorStoreOptions : StoreOptions
{
    /// <summary>How long a claimed document stays claimed without renewal (renewed every third of it while it is processed).</summary>
    public TimeSpan QueueLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        foreach (var problem in ValidateStore(OrchestratorOptions.SectionName))
        {
            yield return problem;
        }

        if (QueueLeaseDuration < TimeSpan.FromSeconds(1) || QueueLeaseDuration > TimeSpan.FromHours(1))
        {
            yield return $"{OrchestratorOptions.SectionName}:QueueLeaseDuration must be 1 s to 1 h (was {QueueLeaseDuration}).";
        }
    }
}
