namespace RagPlatform.Onnx;

/// <summary>
/// A model input or output as the model declares it. <see cref="Dimensions"/> holds -1 where a dimension
/// is dynamic; <see cref="SymbolicDimensions"/> holds its name there ("batch", "past_len") or "" when unnamed.
/// Non-tensor values report their <see cref="ValueType"/> with element type Undefined and no dimensions.
/// </summary>
public sealed record NodeMetadata(
    string Name,
    OnnxValueType ValueType,
    TensorElementType ElementType,
    IReadOnlyList<long> Dimensions,
    IReadOnlyList<string> SymbolicDimensions);

/// <summary>
/// Model-level metadata. <see cref="CustomMetadata"/> is the model's metadata_props map
/// (the forge marks its models with forged=true there).
/// </summary>
public sealed record ModelMetadata(
    string ProducerName,
    string GraphName,
    string GraphDescription,
    string Domain,
    string Description,
    long Version,
    IReadOnlyDictionary<string, string> CustomMetadata);
