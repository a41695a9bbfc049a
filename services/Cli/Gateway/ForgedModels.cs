using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Gateway;

/// <summary>The one wording of "these models are forged", shared by up, ask and eval so users learn one message.</summary>
internal static class ForgedModels
{
    public const string Message =
        "The loaded models are FORGED (seeded random weights, built for tests): retrieval, reranking and answers are noise. "
        + "Get real weights with `rag models pull` and restart with `rag up --models DIR`.";

    public static void Warn(CliConsoles consoles) => consoles.Warn(Message);
}
