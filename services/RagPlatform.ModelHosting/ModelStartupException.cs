namespace RagPlatform.ModelHosting;

/// <summary>A service cannot start: its model or the native runtime is missing. The message names the fix.</summary>
public sealed class ModelStartupException(string message, Exception? innerException = null) : Exception(message, innerException);
