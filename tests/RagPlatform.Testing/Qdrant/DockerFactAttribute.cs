namespace RagPlatform.Testing;

/// <summary>A fact that needs a Docker engine (Testcontainers): reported skipped, with the reason, where none answers.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            Skip = $"Testcontainers needs a Docker engine: {reason}";
        }
    }
}
