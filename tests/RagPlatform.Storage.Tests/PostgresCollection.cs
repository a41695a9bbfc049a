namespace RagPlatform.Storage.Tests;

/// <summary>The test classes sharing one throw-away server (each with its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres server";
}

internal static class Bounds
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Bounded(this Task task) => task.WaitAsync(Timeout);
}
