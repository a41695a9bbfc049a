using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Model;

/// <summary>ModelProto.metadata_props, where each transform records what it did (forged=true and the like are kept).</summary>
internal static class ModelMetadata
{
    public static void Set(ModelProto model, string key, string value)
    {
        var entry = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (entry is null)
        {
            model.MetadataProps.Add(entry = new StringStringEntryProto { Key = key });
        }

        entry.Value = value;
    }
}
