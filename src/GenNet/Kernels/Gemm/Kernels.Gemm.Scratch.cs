using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenNet;

// Scratch: the per-thread packing buffer, so nothing in a training step allocates.
public static unsafe partial class Kernels
{
    /// <summary>Per-thread packing scratch.</summary>
    private static class GemmScratch
    {
        public static float* Get(nint floats) => ThreadScratch<GemmScratchOwner>.Get(floats);
    }

    private struct GemmScratchOwner;

    /// <summary>A per-thread buffer for each <typeparamref name="TOwner"/> (the GEMM engine's, the convolution's, so one can
    /// hold its data while calling the other): pinned, 64-byte aligned, grown only when a call needs more than any before.</summary>
    private static class ThreadScratch<TOwner>
    {
        [ThreadStatic]
        private static float[]? t_buffer;

        public static float* Get(nint floats)
        {
            float[]? buffer = t_buffer;
            if (buffer is null || buffer.Length < floats + 16)
            {
                buffer = GC.AllocateUninitializedArray<float>(checked((int)floats + 16), pinned: true);
                t_buffer = buffer;
            }
            nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (float*)((address + 63) & ~(nuint)63);
        }
    }
}
