using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// The engine's own Vector512 and Vector256 tiles.
public static unsafe partial class Kernels
{
    /// <summary>
    /// acc[8×32] = A[8×K]·B[K×32] with 16 Vector512 accumulators, then each row stored to <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>) by <paramref name="store"/>.
    /// </summary>
    /// <remarks>
    /// Generic over the store, so each epilogue compiles into its own small copy of the kernel: with every epilogue
    /// behind runtime branches in one method, adding the activation derivative grew it to 16.7 KB, past the JIT's
    /// inlining budget, and slowed every tile (the 128×512, K = 10 product 14.7 → 26.5 µs).
    /// </remarks>
    private static void Tile512<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        nint rs4 = rs2 + rs2;
        int count = steps.Count;
        float* a0 = a + steps.First * cs;
        float* bk = b + steps.First * ldb;
        for (int n = 0; n < count; n++)
        {
            float* a4 = a0 + rs4;
            Vector512<float> b0 = Vector512.Load(bk);
            Vector512<float> b1 = Vector512.Load(bk + 16);
            Vector512<float> av = Vector512.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector512.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector512.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector512.Create(a0[rs3]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector512.Create(a4[0]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector512.Create(a4[rs]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            av = Vector512.Create(a4[rs2]);
            c60 = SimdHelpers.MultiplyAdd(av, b0, c60);
            c61 = SimdHelpers.MultiplyAdd(av, b1, c61);
            av = Vector512.Create(a4[rs3]);
            c70 = SimdHelpers.MultiplyAdd(av, b0, c70);
            c71 = SimdHelpers.MultiplyAdd(av, b1, c71);
            nint next = steps.ToNext(n);
            a0 += next * cs;
            bk += next * ldb;
        }
        store.Row(c, c00, c01);
        store.Row(c + ldc, c10, c11);
        store.Row(c + 2 * ldc, c20, c21);
        store.Row(c + 3 * ldc, c30, c31);
        c += 4 * ldc;
        store.Row(c, c40, c41);
        store.Row(c + ldc, c50, c51);
        store.Row(c + 2 * ldc, c60, c61);
        store.Row(c + 3 * ldc, c70, c71);
    }

    /// <summary>A full two-vector tile at the widest width: 8×32 with Vector512, 6×16 with Vector256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        System.Diagnostics.Debug.Assert(SimdHelpers.Width >= 256, "the Vector128 tiles always go through the scratch");
        if (SimdHelpers.Width == 512)
        {
            Tile512(a, rs, cs, b, ldb, steps, c, ldc, store);
        }
        else
        {
            Tile256(a, rs, cs, b, ldb, steps, c, ldc, store);
        }
    }

    /// <summary>A full gradient tile: C = acc ⊙ act′(Y), with the derivative as a type so it inlines.</summary>
    private static void GradientTile(GemmJob* g, float* a, nint rs, nint cs, float* b, nint ldb, int k, float* c)
    {
        nint y = (nint)(g->Y - g->C);
        switch (g->Activation)
        {
            case Activation.ReLU: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<ReluDerivative>(y, new ReluDerivative())); break;
            case Activation.LeakyReLU: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<LeakyReluDerivative>(y, new LeakyReluDerivative(g->Alpha))); break;
            case Activation.Sigmoid: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<SigmoidDerivative>(y, new SigmoidDerivative())); break;
            default: Tile(a, rs, cs, b, ldb, new EveryStep(k), c, g->Ldc, new GradientStore<TanhDerivative>(y, new TanhDerivative())); break;
        }
    }

    /// <summary>How one row of a two-vector tile leaves its registers: 32 floats of a Vector512 tile (lo = columns 0–15,
    /// hi = 16–31) or 16 of a Vector256 one (lo = 0–7, hi = 8–15).</summary>
    /// <remarks>Every store does the same lane-wise operations, in the same order, as <see cref="Epilogue"/>, so a tile's
    /// bits do not depend on which path stored it.</remarks>
    private interface ITileStore
    {
        void Row(float* c, Vector512<float> lo, Vector512<float> hi);

        void Row(float* c, Vector256<float> lo, Vector256<float> hi);
    }

    /// <summary>tile = acc; <see cref="Epilogue"/> writes C.</summary>
    private readonly struct ScratchStore : ITileStore
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            lo.Store(c);
            hi.Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            lo.Store(c);
            hi.Store(c + 8);
        }
    }

    /// <summary>C += acc.</summary>
    private readonly struct AccumulateStore : ITileStore
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            (Vector512.Load(c) + lo).Store(c);
            (Vector512.Load(c + 16) + hi).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            (Vector256.Load(c) + lo).Store(c);
            (Vector256.Load(c + 8) + hi).Store(c + 8);
        }
    }

    /// <summary>C = acc, or acc + bias (the tile's columns of it; null for none).</summary>
    /// <remarks>The bias is loaded per row rather than held in registers: it must be loaded at the tile's width (a
    /// 16-column Vector256 tile may sit at the end of the bias), and 8 or 6 loads from L1 are nothing next to the tile.</remarks>
    private readonly struct LinearStore(float* bias) : ITileStore
    {
        public Vector512<float> Lo(Vector512<float> lo) => bias != null ? lo + Vector512.Load(bias) : lo;

        public Vector512<float> Hi(Vector512<float> hi) => bias != null ? hi + Vector512.Load(bias + 16) : hi;

        public Vector256<float> Lo(Vector256<float> lo) => bias != null ? lo + Vector256.Load(bias) : lo;

        public Vector256<float> Hi(Vector256<float> hi) => bias != null ? hi + Vector256.Load(bias + 8) : hi;

        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            Lo(lo).Store(c);
            Hi(hi).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            Lo(lo).Store(c);
            Hi(hi).Store(c + 8);
        }
    }

    /// <summary>C = max(0, acc), or max(0, acc + bias), exactly as <see cref="SimdHelpers.Relu(Vector512{float})"/>.</summary>
    private readonly struct ReluStore(float* bias) : ITileStore
    {
        private readonly LinearStore _linear = new(bias);

        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            SimdHelpers.Relu(_linear.Lo(lo)).Store(c);
            SimdHelpers.Relu(_linear.Hi(hi)).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            SimdHelpers.Relu(_linear.Lo(lo)).Store(c);
            SimdHelpers.Relu(_linear.Hi(hi)).Store(c + 8);
        }
    }

    /// <summary>C = acc ⊙ act′(Y), Y <paramref name="y"/> floats after C: the products <see cref="ActivationBackward"/> forms.</summary>
    private readonly struct GradientStore<TOp>(nint y, TOp op) : ITileStore where TOp : struct, IDerivative
    {
        public void Row(float* c, Vector512<float> lo, Vector512<float> hi)
        {
            (lo * op.Invoke(Vector512.Load(c + y))).Store(c);
            (hi * op.Invoke(Vector512.Load(c + y + 16))).Store(c + 16);
        }

        public void Row(float* c, Vector256<float> lo, Vector256<float> hi)
        {
            (lo * op.Invoke(Vector256.Load(c + y))).Store(c);
            (hi * op.Invoke(Vector256.Load(c + y + 8))).Store(c + 8);
        }
    }

    /// <summary>
    /// acc[6×16] = A[6×K]·B[K×16] with 12 Vector256 accumulators, then each row stored to <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>) by <paramref name="store"/>; generic over both like <see cref="Tile512"/>.
    /// </summary>
    private static void Tile256<TStore, TSteps>(float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* c, nint ldc, TStore store)
        where TStore : struct, ITileStore
        where TSteps : struct, IReductionSteps
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        int count = steps.Count;
        float* a0 = a + steps.First * cs;
        float* bk = b + steps.First * ldb;
        for (int n = 0; n < count; n++)
        {
            float* a3 = a0 + rs3;
            Vector256<float> b0 = Vector256.Load(bk);
            Vector256<float> b1 = Vector256.Load(bk + 8);
            Vector256<float> av = Vector256.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[0]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a3[rs]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a3[rs2]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            nint next = steps.ToNext(n);
            a0 += next * cs;
            bk += next * ldb;
        }
        store.Row(c, c00, c01);
        store.Row(c + ldc, c10, c11);
        store.Row(c + 2 * ldc, c20, c21);
        c += 3 * ldc;
        store.Row(c, c30, c31);
        store.Row(c + ldc, c40, c41);
        store.Row(c + 2 * ldc, c50, c51);
    }

    /// <summary>tile[8×16] = A[8×K]·panel[K×16] with 8 Vector512 accumulators (results one vector wide).</summary>
    private static void Tile512Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        float* a0 = a;
        float* a4 = a + 4 * rs;
        nint rs2 = rs + rs;
        nint rs3 = rs2 + rs;
        for (; k > 0; k--)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector512.Create(a0[rs3]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[0]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs]), b0, c5);
            c6 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs2]), b0, c6);
            c7 = SimdHelpers.MultiplyAdd(Vector512.Create(a4[rs3]), b0, c7);
            a0 += cs;
            a4 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
        c4.Store(tile + 64); c5.Store(tile + 80); c6.Store(tile + 96); c7.Store(tile + 112);
    }

    /// <summary>tile[6×8] = A[6×K]·panel[K×8] with 6 Vector256 accumulators (results one vector wide).</summary>
    private static void Tile256Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector256<float> b0 = Vector256.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector256.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[0]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[rs]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector256.Create(a3[rs2]), b0, c5);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 8); c2.Store(tile + 16);
        c3.Store(tile + 24); c4.Store(tile + 32); c5.Store(tile + 40);
    }
}
