namespace RagPlatform.Storage;

/// <summary>One step of a component's schema: applied once, in order of <see cref="Version"/> (1, 2, 3, ...).</summary>
public sealed record SchemaMigration(int Version, string Name, string Sql);

/// <summary>The database holds a schema this build does not know: it was migrated by a newer release.</summary>
public sealed class SchemaTooNewException(string message) : Exception(message);
