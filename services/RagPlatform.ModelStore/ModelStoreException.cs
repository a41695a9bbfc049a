namespace RagPlatform.ModelStore;

/// <summary>Why an install failed; the CLI maps each kind to one message and exit code.</summary>
public enum ModelStoreError
{
    /// <summary>The hub has no such repository, revision or file (404).</summary>
    NotFound,

    /// <summary>The hub wants a token (401): set HF_TOKEN.</summary>
    Unauthorized,

    /// <summary>The token is not allowed (403), e.g. a gated model whose terms were not accepted.</summary>
    Forbidden,

    /// <summary>The hub kept failing or could not be reached after every retry.</summary>
    HubUnavailable,

    /// <summary>The hub answered something this client does not understand (bad JSON, wrong range, foreign commit).</summary>
    ProtocolError,

    /// <summary>A file's bytes do not match its expected sha256, git blob id or size; nothing was installed for it.</summary>
    ChecksumMismatch,

    /// <summary>Neither the catalog, the hub nor a SHA256SUMS file gives a checksum for a file.</summary>
    MissingChecksum,

    /// <summary>A file is larger than <see cref="ModelStoreOptions.MaxFileSize"/>.</summary>
    TooLarge,

    /// <summary>The source or installed folder lacks files its service needs.</summary>
    InvalidLayout,

    /// <summary>Another pull or import is writing the same folder.</summary>
    Locked,

    /// <summary>The NuGet configuration could not be read, enables no source, or every source failed.</summary>
    PackageSourceUnavailable,
}

/// <summary>An install that failed for a known reason; the message says what happened and, when there is one, the fix.</summary>
public sealed class ModelStoreException : Exception
{
    public ModelStoreException(ModelStoreError error, string message, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Path = path;
    }

    public ModelStoreError Error { get; }

    /// <summary>The model file concerned (its path inside the model folder), when the failure is about one file.</summary>
    public string? Path { get; }
}

/// <summary>Where one file of an install stands.</summary>
public enum FileStage
{
    /// <summary>Hashing a file already on disk to see whether it can be kept.</summary>
    Checking,

    /// <summary>Bytes arriving from the hub (or being copied, for an import).</summary>
    Transferring,

    /// <summary>Installed: verified, flushed to disk and renamed into place.</summary>
    Installed,

    /// <summary>Already installed and verified; nothing transferred.</summary>
    UpToDate,
}

/// <summary>Progress of one file; reported at most every megabyte while transferring, and once per stage change.</summary>
/// <param name="TotalBytes">Null while the size is unknown.</param>
public sealed record FileProgress(string Model, string Path, FileStage Stage, long BytesDone, long? TotalBytes);
