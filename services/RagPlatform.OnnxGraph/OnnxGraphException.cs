namespace RagPlatform.OnnxGraph;

/// <summary>A model the graph tools cannot read, change or write; the message says what and why, for the user.</summary>
public sealed class OnnxGraphException(string message, Exception? innerException = null) : Exception(message, innerException);
