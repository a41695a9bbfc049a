using Google.Protobuf.Reflection;
using RagPlatform.Grpc.Tests.Protos;

namespace RagPlatform.Grpc.Tests.Infrastructure;

/// <summary>Typed Method objects for the test proto, built from its descriptors like the real typed clients.</summary>
internal static class TestMethods
{
    private static readonly ServiceDescriptor InteropTest = InteropTestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("InteropTest");

    public static readonly Method<EchoRequest, EchoReply> Echo = Method.Create<EchoRequest, EchoReply>(InteropTest, "Echo");

    public static readonly Method<StreamRequest, NumberReply> StreamNumbers = Method.Create<StreamRequest, NumberReply>(InteropTest, "StreamNumbers");

    public static readonly Method<CallRecordRequest, CallRecord> GetCallRecord = Method.Create<CallRecordRequest, CallRecord>(InteropTest, "GetCallRecord");

    public static readonly Method<SetHealthRequest, SetHealthReply> SetHealth = Method.Create<SetHealthRequest, SetHealthReply>(InteropTest, "SetHealth");

    public static readonly Method<EchoRequest, EchoReply> UnmappedNothing =
        Method.Create<EchoRequest, EchoReply>(InteropTestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Unmapped"), "Nothing");
}
