using System.Runtime.InteropServices;

namespace RagPlatform.Onnx.Native;

/// <summary>Reading what a session declares: input/output types and shapes, and model metadata.</summary>
internal sealed unsafe partial class OrtApi
{
    // ---- type info (session inputs/outputs) ----

    /// <summary>Reads an OrtTypeInfo into managed metadata and releases it.</summary>
    public NodeMetadata TakeNodeMetadata(string name, nint typeInfo)
    {
        try
        {
            int onnxType;
            Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)_table[OrtApiIndex.GetOnnxTypeFromTypeInfo])(typeInfo, &onnxType));
            if ((OnnxValueType)onnxType != OnnxValueType.Tensor)
            {
                return new NodeMetadata(name, (OnnxValueType)onnxType, TensorElementType.Undefined, [], []);
            }

            nint tensorInfo; // owned by typeInfo
            Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)_table[OrtApiIndex.CastTypeInfoToTensorInfo])(typeInfo, &tensorInfo));
            var dims = GetDimensions(tensorInfo);
            var symbols = new nint[dims.Length];
            fixed (nint* names = symbols)
            {
                Check(((delegate* unmanaged[Cdecl]<nint, nint*, nuint, nint>)_table[OrtApiIndex.GetSymbolicDimensions])(tensorInfo, names, (nuint)symbols.Length));
            }

            var symbolic = Array.ConvertAll(symbols, p => Marshal.PtrToStringUTF8(p) ?? "");
            return new NodeMetadata(name, OnnxValueType.Tensor, GetElementType(tensorInfo), dims, symbolic);
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)_table[OrtApiIndex.ReleaseTypeInfo])(typeInfo);
        }
    }

    // ---- model metadata ----

    public ModelMetadata GetModelMetadata(SafeHandle session)
    {
        nint metadata;
        Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)_table[OrtApiIndex.SessionGetModelMetadata])(session.DangerousGetHandle(), &metadata));
        try
        {
            long version;
            Check(((delegate* unmanaged[Cdecl]<nint, long*, nint>)_table[OrtApiIndex.ModelMetadataGetVersion])(metadata, &version));
            return new ModelMetadata(
                ProducerName: GetMetadataString(OrtApiIndex.ModelMetadataGetProducerName, metadata),
                GraphName: GetMetadataString(OrtApiIndex.ModelMetadataGetGraphName, metadata),
                GraphDescription: GetMetadataString(OrtApiIndex.ModelMetadataGetGraphDescription, metadata),
                Domain: GetMetadataString(OrtApiIndex.ModelMetadataGetDomain, metadata),
                Description: GetMetadataString(OrtApiIndex.ModelMetadataGetDescription, metadata),
                Version: version,
                CustomMetadata: GetCustomMetadata(metadata));
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)_table[OrtApiIndex.ReleaseModelMetadata])(metadata);
        }
    }

    private string GetMetadataString(int slot, nint metadata)
    {
        nint value;
        Check(((delegate* unmanaged[Cdecl]<nint, nint, nint*, nint>)_table[slot])(metadata, DefaultAllocator(), &value));
        return TakeAllocatedString(value) ?? "";
    }

    private Dictionary<string, string> GetCustomMetadata(nint metadata)
    {
        nint keys;
        long count;
        Check(((delegate* unmanaged[Cdecl]<nint, nint, nint*, long*, nint>)_table[OrtApiIndex.ModelMetadataGetCustomMetadataMapKeys])(
            metadata, DefaultAllocator(), &keys, &count));
        var result = new Dictionary<string, string>((int)count, StringComparer.Ordinal);
        if (keys == 0)
        {
            return result;
        }

        // Free every key even if a lookup fails part-way.
        var pending = new List<nint>((int)count);
        for (var i = 0; i < count; i++)
        {
            pending.Add(((nint*)keys)[i]);
        }

        try
        {
            foreach (var keyPointer in pending)
            {
                nint value;
                Check(((delegate* unmanaged[Cdecl]<nint, nint, nint, nint*, nint>)_table[OrtApiIndex.ModelMetadataLookupCustomMetadataMap])(
                    metadata, DefaultAllocator(), keyPointer, &value));
                result[Marshal.PtrToStringUTF8(keyPointer) ?? ""] = TakeAllocatedString(value) ?? "";
            }
        }
        finally
        {
            foreach (var keyPointer in pending)
            {
                AllocatorFree(keyPointer);
            }

            AllocatorFree(keys);
        }

        return result;
    }
}
