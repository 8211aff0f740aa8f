using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GenNet;

// The dense kernels of one generated layer: the generator emits a struct per Dense layer that implements
// IDenseLayerKernels, with the layer's sizes and activations as constants and its register tiles ("micro-kernels") as
// straight-line vector code, and the network calls DenseForward<TLayer> and its two backward twins. The GEMM engine
// (Kernels.Gemm.cs) keeps everything around the tile: the split over threads, the zero lists, packing, the row and column
// tails, the one-row path and the Vector128 and scalar paths. On the Vector512 and Vector256 paths every full tile of a
// product the layer has a tile for runs the layer's own code; the engine's tiles and Epilogue fill in the rest. Both give
// the same bits: the epilogues are lane-wise ops whose result does not depend on the vector width, and both paths skip
// the same zero terms (so even ∞ and NaN land alike). A generated network equals the same calls to the non-generic
// kernels bit for bit.
public static unsafe partial class Kernels
{
    /// <summary>
    /// The vector width, in bits, of this process's kernels: 512, 256, 128, or 0 for scalar. Generated tiles branch on
    /// it (a JIT-time constant), so they always agree with the engine on the tile's shape.
    /// </summary>
    public static int VectorWidth => SimdHelpers.Width;

    /// <summary>
    /// The k a register tile sums over, in increasing order: <see cref="Count"/> of them from <see cref="First"/>,
    /// the next one <see cref="ToNext"/> after the n-th. The engine passes every k, or a row block's list of the k at
    /// which its inputs are not all zero ("Zero skipping" in Kernels.Gemm.cs).
    /// </summary>
    /// <remarks>
    /// A type argument, so each tile compiles once with the plain counter and once with the list. Tiles advance their A
    /// and B references by <see cref="ToNext"/>: for every k that folds to the constant 1, the same pointer bumps as a
    /// loop over k (indexing a + k·cs instead cost 5% on the 784×512, K = 128 weight gradient).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IReductionSteps
    {
        /// <summary>Number of k to sum.</summary>
        int Count { get; }

        /// <summary>The first k.</summary>
        nint First { get; }

        /// <summary>The distance from the <paramref name="n"/>-th k to the next (past the last one: any value).</summary>
        nint ToNext(int n);
    }

    /// <summary>
    /// One Dense layer as the generator emits it: its shape and activations as constants, and its register tiles for the
    /// GEMM engine. For generated code; see <see cref="DenseForward{TLayer}"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A tile computes C[R×W] from A[R×K] (row stride rs, column stride cs) and B[K×W] (row stride ldb), summing
    /// acc = fma(a_k, b_k, acc) over the steps' k from acc = 0, and stores every row of C (row stride ldc) through the
    /// layer's epilogue. R×W is 8×32 when <see cref="VectorWidth"/> is 512 (16 Vector512 accumulators) and 6×16 when it
    /// is 256 (12 Vector256 accumulators). A product no wider than one vector (16 or 8 columns) is one column block: its
    /// tile is R rows of one vector, B's rows a vector apart (a padded panel unless the product is a whole vector), and
    /// it stores exactly the product's columns. The engine calls a tile only on those two widths, for full row blocks
    /// and (two vectors wide) full column blocks.
    /// </para>
    /// <para>
    /// The epilogues must be the engine's, lane for lane: forward C = act(acc + bias) (bias only when
    /// <see cref="HasBias"/>), weight gradient C = acc, input gradient C = acc ⊙ act′(Y) with act =
    /// <see cref="InputActivation"/> and Y laid out as C (C = acc for <see cref="Activation.None"/>). A layer without a
    /// tile for a product (the default <c>Has…Tile</c> is false) runs that product on the engine's own tiles.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IDenseLayerKernels
    {
        /// <summary>I: width of the layer's input.</summary>
        static abstract int Inputs { get; }

        /// <summary>O: the layer's units.</summary>
        static abstract int Outputs { get; }

        /// <summary>Whether the forward pass adds a bias.</summary>
        static abstract bool HasBias { get; }

        /// <summary>The layer's own activation, fused into the forward pass.</summary>
        static abstract Activation Activation { get; }

        /// <summary>LeakyReLU's slope for <see cref="Activation"/>.</summary>
        static virtual float Alpha => 0f;

        /// <summary>The activation whose derivative the input gradient applies: the previous layer's, or
        /// <see cref="Activation.None"/> when the product stays unfused (first layer, dropout in between).</summary>
        static virtual Activation InputActivation => Activation.None;

        /// <summary>LeakyReLU's slope for <see cref="InputActivation"/>.</summary>
        static virtual float InputAlpha => 0f;

        /// <summary>Whether <see cref="ForwardTile"/> is the layer's own.</summary>
        static virtual bool HasForwardTile => false;

        /// <summary>C = act(A·B + bias) for one full tile, bias[W] the tile's columns of the layer's bias.</summary>
        static virtual void ForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>Whether <see cref="WeightGradientTile"/> is the layer's own.</summary>
        static virtual bool HasWeightGradientTile => false;

        /// <summary>C = A·B for one full tile of the weight gradient xᵀ·dz.</summary>
        static virtual void WeightGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>Whether <see cref="InputGradientTile"/> is the layer's own.</summary>
        static virtual bool HasInputGradientTile => false;

        /// <summary>C = (A·B) ⊙ act′(Y) for one full tile of the input gradient dz·wᵀ, act = <see cref="InputActivation"/>.</summary>
        static virtual void InputGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float y)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();
    }

    /// <summary>The engine's own tiles for every product: what the non-generic kernels run on.</summary>
    private readonly struct EngineTiles : IDenseLayerKernels
    {
        public static int Inputs => throw new UnreachableException();

        public static int Outputs => throw new UnreachableException();

        public static bool HasBias => throw new UnreachableException();

        public static Activation Activation => throw new UnreachableException();
    }

    /// <summary>y[B×O] = act(x[B×I]·w[I×O] + bias[O]) for a generated layer: sizes, bias and activation are
    /// <typeparamref name="TLayer"/>'s, and its full tiles run its own micro-kernel.</summary>
    /// <remarks>
    /// The same bits as <see cref="DenseForward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Activation, float, WorkerPool?)"/>
    /// with the layer's sizes and activation; <paramref name="bias"/> is empty exactly when the layer has none.
    /// </remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs, or <paramref name="bias"/> does not
    /// match <typeparamref name="TLayer"/>.</exception>
    public static void DenseForward<TLayer>(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        if (bias.IsEmpty == TLayer.HasBias)
        {
            throw new ArgumentException(TLayer.HasBias ? "The layer has a bias; pass it." : "The layer has no bias; pass an empty span.", nameof(bias));
        }
        RunDenseForward<TLayer>(y, x, w, bias, batch, TLayer.Inputs, TLayer.Outputs, TLayer.Activation, TLayer.Alpha, workers);
    }

    /// <summary>dw[I×O] = xᵀ·dz; db[O] = Σ_b dz[b,·] (skipped when <paramref name="db"/> is empty) for a generated layer:
    /// overwrites, as the generated networks do, with <typeparamref name="TLayer"/>'s sizes and full tiles.</summary>
    /// <remarks>The same bits as <see cref="DenseBackwardParameters(Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, bool, WorkerPool?)"/>
    /// with <c>accumulate: false</c>.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void DenseBackwardParameters<TLayer>(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
        => RunDenseBackwardParameters<TLayer>(dw, db, x, dz, batch, TLayer.Inputs, TLayer.Outputs, accumulate: false, workers);

    /// <summary>dx[B×I] = (dz[B×O]·wᵀ) ⊙ act′(y[B×I]) for a generated layer, act = <typeparamref name="TLayer"/>'s
    /// <see cref="IDenseLayerKernels.InputActivation"/> (none: dx = dz·wᵀ, and <paramref name="y"/> is ignored).</summary>
    /// <remarks>The same bits as <see cref="DenseBackwardInput(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, Activation, float, WorkerPool?)"/>
    /// with the layer's sizes and input activation.</remarks>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void DenseBackwardInput<TLayer>(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        int batch, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
        => RunDenseBackwardInput<TLayer>(dx, dz, w, y, batch, TLayer.Inputs, TLayer.Outputs, TLayer.InputActivation, TLayer.InputAlpha, workers);

    /// <summary>The job's tile for <typeparamref name="TLayer"/>, if it has its own for this product.</summary>
    private static bool HasLayerTile<TLayer>(GemmJob* g) where TLayer : struct, IDenseLayerKernels => g->Product switch
    {
        GemmProduct.Forward => TLayer.HasForwardTile,
        GemmProduct.WeightGradient => TLayer.HasWeightGradientTile && g->Store == GemmStore.Overwrite,
        _ => TLayer.HasInputGradientTile,
    };

    /// <summary>One full tile of C at (<paramref name="i"/>, <paramref name="j"/>) by <typeparamref name="TLayer"/>'s own micro-kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LayerTile<TLayer, TSteps>(GemmJob* g, int i, int j, float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps)
        where TLayer : struct, IDenseLayerKernels
        where TSteps : struct, IReductionSteps
    {
        nint offset = i * g->Ldc + j;
        ref float c = ref *(g->C + offset);
        switch (g->Product)
        {
            case GemmProduct.Forward:
                TLayer.ForwardTile(ref *a, rs, cs, ref *b, ldb, steps, ref c, g->Ldc, ref Unsafe.AsRef<float>(g->Bias == null ? null : g->Bias + j));
                break;
            case GemmProduct.WeightGradient:
                TLayer.WeightGradientTile(ref *a, rs, cs, ref *b, ldb, steps, ref c, g->Ldc);
                break;
            default:
                TLayer.InputGradientTile(ref *a, rs, cs, ref *b, ldb, steps, ref c, g->Ldc, ref Unsafe.AsRef<float>(g->Y == null ? null : g->Y + offset));
                break;
        }
    }
}
