using RagPlatform.Cli.CommandLine;
using RagPlatform.Client;

namespace RagPlatform.Cli.Gateway;

/// <summary>The one wording of "these models are forged", shared by up, ask and eval so users learn one message.</summary>
internal static class ForgedModels
{
    public const string Message =
        "A model with FORGED weights (seeded random, built for tests) shaped this answer: it is noise. "
        + "Get real weights with `rag models pull` and restart with `rag up --models DIR`.";

    /// <summary>After an answer whose forgedModels is true.</summary>
    public static void Warn(CliConsoles consoles) => consoles.Warn(Message);

    /// <summary>After `rag up`: which loaded models are forged, and what the platform does about them.</summary>
    public static void WarnLoaded(CliConsoles consoles, ModelsResource models)
    {
        var forged = models.Services.Where(s => s.Forged == true).Select(s => s.Role).ToList();
        if (forged.Count == 0)
        {
            return;
        }

        consoles.Warn($"FORGED weights (seeded random, built for tests): {string.Join(", ", forged)}. A forged reranker is skipped and a "
            + "forged generator gives way to extractive answers (sentences quoted from your documents); a forged embedder makes retrieval noise. "
            + "Real weights: `rag models pull`, then `rag up --models DIR`.");
    }
}
