namespace RagPlatform.Testing;

/// <summary>A fact that needs a Docker engine API (Testcontainers; no docker CLI needed): reported skipped, with the reason, where none answers.</summary>
public sealed class DockerEngineFactAttribute : FactAttribute
{
    public DockerEngineFactAttribute()
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            Skip = $"Testcontainers needs a Docker engine: {reason}";
        }
    }
}
