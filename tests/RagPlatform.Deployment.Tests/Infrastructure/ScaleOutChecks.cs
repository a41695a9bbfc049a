using RagPlatform.Gateway;
using RagPlatform.Orchestrator;
using RagPlatform.Storage;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// What the code says more than one replica of a stateful service needs, for compose and Kubernetes alike: its state in
/// PostgreSQL (Store=Postgres), the orchestrator's index in Qdrant, and a connection string (it may hold a password)
/// from a secret rather than written into a file.
/// </summary>
public static class ScaleOutChecks
{
    /// <summary>The section of the store keys of a stateful service; null for the stateless model services.</summary>
    public static string? StoreSection(ServiceSpec service) => service.Name switch
    {
        "orchestrator" => OrchestratorOptions.SectionName,
        "gateway" => GatewayOptions.SectionName,
        _ => null,
    };

    /// <summary>True when every replica of <paramref name="service"/> would share its state (and, for the orchestrator, its index).</summary>
    public static bool SharesState(ServiceSpec service, IReadOnlyDictionary<string, string?> env) =>
        StoreSection(service) is { } section
        && string.Equals(env.GetValueOrDefault(Env(section, nameof(StoreOptions.Store))), nameof(StoreKind.Postgres), StringComparison.OrdinalIgnoreCase)
        && (service.Name != "orchestrator"
            || string.Equals(env.GetValueOrDefault(DockerfileChecks.EnvName(ServiceCatalog.IndexKey)), nameof(IndexProvider.Qdrant), StringComparison.OrdinalIgnoreCase));

    /// <param name="where">How problems name the service ("compose gateway", "Deployment gateway").</param>
    /// <param name="fromSecret">Whether a value comes from a secret (a required variable, a secretKeyRef).</param>
    public static IEnumerable<string> Check(string where, ServiceSpec service, int replicas, IReadOnlyDictionary<string, string?> env, Func<string?, bool> fromSecret)
    {
        if (StoreSection(service) is not { } section)
        {
            yield break;
        }

        if (replicas > 1 && !SharesState(service, env))
        {
            yield return $"{where}: runs {replicas} replicas, which needs {Env(section, nameof(StoreOptions.Store))}=Postgres"
                + (service.Name == "orchestrator" ? " and Orchestrator__Index=Qdrant" : "") + " (each replica would keep its own state).";
        }

        if (!string.Equals(env.GetValueOrDefault(Env(section, nameof(StoreOptions.Store))), nameof(StoreKind.Postgres), StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }

        var keys = new[] { Env(section, nameof(StoreOptions.PostgresConnectionString)), $"ConnectionStrings__{StoreOptions.ConnectionStringName}" };
        var set = keys.Where(k => env.GetValueOrDefault(k) is not null).ToList();
        if (set.Count == 0)
        {
            yield return $"{where}: {Env(section, nameof(StoreOptions.Store))}=Postgres without {keys[0]} or {keys[1]}.";
        }

        foreach (var key in set.Where(k => !fromSecret(env[k])))
        {
            yield return $"{where}: {key} must come from a secret, not be written into the file (it may hold a password).";
        }
    }

    private static string Env(string section, string key) => $"{section}__{key}";
}
