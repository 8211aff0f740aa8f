using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GenNet;

// The contract between a generated Dense layer and the GEMM engine: the generator emits a struct per Dense layer (nested
// in the network class) that implements IDenseLayerKernels, with the layer's sizes and activations as constants and its
// register tiles ("micro-kernels") as straight-line vector code, and the network calls DenseForward<TLayer> and its two
// backward twins (Kernels.Dense.cs). The layer's tiles are the only Vector512 and Vector256 tiles: full tiles run the
// tile with the product's epilogue fused; row and column tails (and a Sigmoid or Tanh forward) run the accumulator tile
// into the engine's scratch, and the engine's Epilogue stores the part that lies inside C. The engine (Gemm/) keeps what
// does not depend on a layer's shape: the split over threads, the zero lists, packing, the one-row path, the epilogue and
// the Vector128 and scalar paths. Both ways of storing give the same bits: the fused epilogues are lane-wise ops whose
// result does not depend on the vector width.
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
    /// which its inputs are not all zero ("Zero skipping" in Gemm/Kernels.Gemm.cs).
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
    /// A tile computes acc[R×W] from A[R×K] (row stride rs, column stride cs) and B[K×W] (row stride ldb), summing
    /// acc = fma(a_k, b_k, acc) over the steps' k from acc = 0. R×W is 8×32 when <see cref="VectorWidth"/> is 512 (16
    /// Vector512 accumulators) and 6×16 when it is 256 (12 Vector256 accumulators). A product no wider than one vector (16
    /// or 8 columns) is one column block: its tile is R rows of one vector, B's rows a vector apart (a padded panel unless
    /// the product is a whole vector). The engine calls tiles only on those two widths.
    /// </para>
    /// <para>
    /// The fused tiles (<see cref="ForwardTile"/>, <see cref="WeightGradientTile"/>, <see cref="InputGradientTile"/>) run
    /// on full row blocks and full column blocks (all of a one-vector product) and store every row of C (row stride ldc)
    /// through the product's epilogue, which must be the engine's lane for lane: forward C = act(acc + bias) (bias only when
    /// <see cref="HasBias"/>), weight gradient C = acc, input gradient C = acc ⊙ act′(Y) with act =
    /// <see cref="InputActivation"/> and Y laid out as C (C = acc for <see cref="Activation.None"/>). The accumulator tiles
    /// (<see cref="OutputsAccumulatorTile"/>, <see cref="InputsAccumulatorTile"/>) run everywhere else and store acc, whole
    /// vectors, into a scratch tile of row stride W.
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
        /// <see cref="Activation.None"/> when the product stays unfused (dropout in between).</summary>
        static virtual Activation InputActivation => Activation.None;

        /// <summary>LeakyReLU's slope for <see cref="InputActivation"/>.</summary>
        static virtual float InputAlpha => 0f;

        /// <summary>Whether <see cref="ForwardTile"/> exists: false for Sigmoid and Tanh, whose full tiles also go through
        /// <see cref="OutputsAccumulatorTile"/> and the engine's epilogue.</summary>
        static virtual bool HasForwardTile => false;

        /// <summary>C = act(A·B + bias) for one full tile, bias[W] the tile's columns of the layer's bias.</summary>
        static virtual void ForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>Whether <see cref="PositionsForwardTile"/> exists: a convolution's, unless its activation is Sigmoid or
        /// Tanh (then its full tiles also go through <see cref="InputsAccumulatorTile"/> and the engine's epilogue).</summary>
        static virtual bool HasPositionsForwardTile => false;

        /// <summary>C = act(A·B + bias[row]) for one full tile of a convolution's forward product w·colᵀ (filters as rows,
        /// <see cref="InputGradientColumns"/> output positions as columns), bias[R] the tile's rows of the layer's bias.</summary>
        static virtual void PositionsForwardTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float bias)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>C = A·B for one full tile of the weight gradient xᵀ·dz.</summary>
        static abstract void WeightGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc)
            where TSteps : struct, IReductionSteps;

        /// <summary>tile = A·B for any tile of a product whose columns are the layer's outputs: the forward pass and the
        /// weight gradient.</summary>
        static abstract void OutputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, IReductionSteps;

        /// <summary>Whether the layer has an input gradient: false for a network's first layer.</summary>
        static virtual bool HasInputGradientTile => false;

        /// <summary>The width of the input-gradient product when it is not the layer's inputs, which shapes its tiles: a
        /// convolution's output positions OH·OW (its patches' gradient is computed transposed, wᵀ·dz); 0 for a Dense
        /// layer, whose input gradient is <see cref="Inputs"/> wide.</summary>
        static virtual int InputGradientColumns => 0;

        /// <summary>C = (A·B) ⊙ act′(Y) for one full tile of the input gradient dz·wᵀ, act = <see cref="InputActivation"/>.</summary>
        static virtual void InputGradientTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc, ref float y)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>tile = A·B for any tile of the input gradient, whose columns are the layer's inputs (a convolution's
        /// output positions, which are also the columns of its forward product: a convolution has this tile even as a
        /// network's first layer).</summary>
        static virtual void InputsAccumulatorTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary>Whether the layer has one-vector tiles for a product's last column block (see
        /// <see cref="OutputsTailTile"/>); layers from before they existed have none, and the engine pads that block.</summary>
        static virtual bool HasTailTiles => false;

        /// <summary>tile = acc, one vector per row (row stride one vector), for the last column block of a product with
        /// the layer's outputs as columns when that product is at least two vectors wide and its last block holds at most
        /// one vector's worth of columns, at the current vector width. Called only then.</summary>
        static virtual void OutputsTailTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();

        /// <summary><see cref="OutputsTailTile"/> for a product with the layer's inputs as columns (the input gradient).</summary>
        static virtual void InputsTailTile<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)
            where TSteps : struct, IReductionSteps
            => throw new UnreachableException();
    }

    /// <summary>Whether <typeparamref name="TLayer"/> has a tile with the job's epilogue fused.</summary>
    private static bool HasFusedTile<TLayer>(GemmJob* g) where TLayer : struct, IDenseLayerKernels => g->Product switch
    {
        GemmProduct.Forward => TLayer.HasForwardTile,
        GemmProduct.PositionsForward => TLayer.HasPositionsForwardTile,
        _ => true,
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
            case GemmProduct.PositionsForward:
                TLayer.PositionsForwardTile(ref *a, rs, cs, ref *b, ldb, steps, ref c, g->Ldc, ref Unsafe.AsRef<float>(g->Bias == null ? null : g->Bias + i));
                break;
            default:
                TLayer.InputGradientTile(ref *a, rs, cs, ref *b, ldb, steps, ref c, g->Ldc, ref Unsafe.AsRef<float>(g->Y == null ? null : g->Y + offset));
                break;
        }
    }

    /// <summary>tile = acc for the tile at <paramref name="a"/>, <paramref name="b"/> by <typeparamref name="TLayer"/>'s
    /// accumulator tile for the job's product, or with <paramref name="tail"/> its one-vector tail tile (row stride one
    /// vector) for a last column block one vector wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LayerAccumulatorTile<TLayer, TSteps>(GemmJob* g, bool tail, float* a, nint rs, nint cs, float* b, nint ldb, TSteps steps, float* tile)
        where TLayer : struct, IDenseLayerKernels
        where TSteps : struct, IReductionSteps
    {
        bool inputs = g->Product is GemmProduct.InputGradient or GemmProduct.PositionsForward;
        if (tail && inputs)
        {
            TLayer.InputsTailTile(ref *a, rs, cs, ref *b, ldb, steps, ref *tile);
        }
        else if (tail)
        {
            TLayer.OutputsTailTile(ref *a, rs, cs, ref *b, ldb, steps, ref *tile);
        }
        else if (inputs)
        {
            TLayer.InputsAccumulatorTile(ref *a, rs, cs, ref *b, ldb, steps, ref *tile);
        }
        else
        {
            TLayer.OutputsAccumulatorTile(ref *a, rs, cs, ref *b, ldb, steps, ref *tile);
        }
    }
}
