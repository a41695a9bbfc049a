using System.Buffers;
using System.Runtime.InteropServices;

namespace RagPlatform.Onnx.Native;

/// <summary>
/// An owned ORT object. SafeHandle's reference count lets a Run on one thread keep a session or value
/// alive while another thread disposes it; the release happens when the last user lets go.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(OrtApi api, nint pointer)
        : base(0, ownsHandle: true)
    {
        Api = api;
        SetHandle(pointer);
    }

    public override bool IsInvalid => handle == 0;

    protected OrtApi Api { get; }
}

internal sealed class EnvHandle(OrtApi api, nint pointer) : OrtHandle(api, pointer)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseEnv(handle);
        return true;
    }
}

internal sealed class MemoryInfoHandle(OrtApi api, nint pointer) : OrtHandle(api, pointer)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseMemoryInfo(handle);
        return true;
    }
}

internal sealed class SessionOptionsHandle(OrtApi api, nint pointer) : OrtHandle(api, pointer)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed class RunOptionsHandle(OrtApi api, nint pointer) : OrtHandle(api, pointer)
{
    /// <summary>Makes Runs using these options stop at the next operator boundary (a cancellation callback).</summary>
    public void Terminate() => Api.RunOptionsSetTerminate(handle);

    protected override bool ReleaseHandle()
    {
        Api.ReleaseRunOptions(handle);
        return true;
    }
}

/// <summary>
/// An OrtValue, plus the managed memory it borrows when it was created over a caller's buffer: the pin (and the
/// buffer's owner) are let go only after ORT released the value, so a Run in flight never reads moved memory.
/// </summary>
internal sealed class ValueHandle : OrtHandle
{
    private MemoryHandle _pin;
    private readonly IDisposable? _owner;

    public ValueHandle(OrtApi api, nint pointer)
        : base(api, pointer)
    {
    }

    public ValueHandle(OrtApi api, nint pointer, MemoryHandle pin, IDisposable? owner)
        : base(api, pointer)
    {
        _pin = pin;
        _owner = owner;
    }

    protected override bool ReleaseHandle()
    {
        Api.ReleaseValue(handle);
        _pin.Dispose();
        _owner?.Dispose();
        return true;
    }
}

/// <summary>
/// A session holds a reference on its environment because ORT requires the env to outlive every session.
/// The caller adds that reference (DangerousAddRef) before creating the session; this handle releases it.
/// </summary>
internal sealed class SessionHandle(OrtApi api, nint pointer, EnvHandle env) : OrtHandle(api, pointer)
{
    private readonly EnvHandle _env = env;

    protected override bool ReleaseHandle()
    {
        Api.ReleaseSession(handle);
        _env.DangerousRelease();
        return true;
    }
}
