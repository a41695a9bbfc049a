using Microsoft.ML.OnnxRuntime;

namespace RagPlatform.Inference.Runtime;

/// <summary>
/// A loaded model (an ORT <see cref="InferenceSession"/>) whose runs honour a <see cref="CancellationToken"/>.
/// <see cref="Run"/> is thread-safe: one session serves concurrent requests. Open it with <see cref="OnnxSessionFactory.Open"/>.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;

    // Shared by every run that cannot be cancelled: nothing ever sets its terminate flag.
    private readonly RunOptions _uncancellable = new();

    internal OnnxSession(InferenceSession session, string modelPath, string device)
    {
        _session = session;
        ModelPath = modelPath;
        Device = device;
        var metadata = session.ModelMetadata;
        CustomMetadata = new Dictionary<string, string>(metadata.CustomMetadataMap, StringComparer.Ordinal);
    }

    public string ModelPath { get; }

    /// <summary>"cpu" or "cuda:N".</summary>
    public string Device { get; }

    /// <summary>The model's inputs by name: element type, dimensions (-1 where dynamic) and their symbolic names.</summary>
    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>The model's metadata_props (the forge marks its models with forged=true there).</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }

    /// <summary>
    /// Runs the model on <paramref name="inputValues"/> (same order as <paramref name="inputNames"/>) and returns the
    /// requested outputs, in order; the caller disposes them. Cancelling <paramref name="cancellationToken"/> sets ORT's
    /// terminate flag, which stops the run at the next operator and throws <see cref="OperationCanceledException"/>;
    /// the session stays usable. ORT's own errors (unknown input, wrong type or shape) arrive as <see cref="OnnxRuntimeException"/>.
    /// </summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputValues,
        IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return _session.Run(_uncancellable, inputNames, inputValues, outputNames);
        }

        // A flag set on these options ends only this run. Disposal runs in reverse: the registration first, which waits
        // for a callback in progress, so the flag is never set on released options.
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.UnsafeRegister(static options => ((RunOptions)options!).Terminate = true, runOptions);
        try
        {
            return _session.Run(runOptions, inputNames, inputValues, outputNames);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The ONNX Runtime run was cancelled.", ex, cancellationToken);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _uncancellable.Dispose();
    }

    public override string ToString() => $"OnnxSession({Path.GetFileName(ModelPath)}, {Device})";
}
