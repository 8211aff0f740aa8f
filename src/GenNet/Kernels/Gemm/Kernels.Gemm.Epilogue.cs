using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenNet;

// Epilogue: a scratch tile of accumulators to C, for the rows and columns that lie inside it. Width-generic, so one copy
// stores every tail, a Sigmoid or Tanh forward, and every Vector128 tile, with the bits of the generated fused stores.
public static unsafe partial class Kernels
{
    /// <summary>
    /// C = tile ⊙ act′(Y) for the first <paramref name="rows"/> × <paramref name="cols"/> of a tile (row stride
    /// <paramref name="tileStride"/>), Y at C's position in its own arena.
    /// </summary>
    private static void StoreGradient(GemmJob* g, float* c, float* tile, nint tileStride, int rows, int cols)
    {
        float* y = g->Y + (c - g->C);
        switch (g->Activation)
        {
            case Activation.ReLU: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new ReluDerivative()); break;
            case Activation.LeakyReLU: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new LeakyReluDerivative(g->Alpha)); break;
            case Activation.Sigmoid: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new SigmoidDerivative()); break;
            default: StoreGradient(c, tile, tileStride, y, g->Ldc, rows, cols, new TanhDerivative()); break;
        }
    }

    /// <summary>Row by row through the loop <see cref="ActivationBackward"/> runs, so the bits match it.</summary>
    private static void StoreGradient<TOp>(float* c, float* tile, nint tileStride, float* y, nint ldc, int rows, int cols, TOp op)
        where TOp : struct, IDerivative
    {
        for (int r = 0; r < rows; r++, c += ldc, y += ldc, tile += tileStride)
        {
            Apply(new Span<float>(c, cols), new ReadOnlySpan<float>(tile, cols), new ReadOnlySpan<float>(y, cols), op);
        }
    }

    /// <summary>
    /// Writes the first <paramref name="rows"/> × <paramref name="cols"/> of a tile (row stride <paramref name="nr"/>) to C:
    /// C = act(acc + bias) or acc ⊙ act′(Y). Whole vectors first, then scalars; which elements take which path depends only on
    /// the column block, never on the thread split. The bias is the tile's columns of it, or for
    /// <see cref="GemmProduct.PositionsForward"/> its rows (one value per row, the same in every lane).
    /// </summary>
    [SkipLocalsInit] // rowBias is filled before it is read.
    private static void Epilogue(GemmJob* g, float* c, float* tile, int nr, int rows, int cols, float* bias)
    {
        if (g->Store == GemmStore.Gradient)
        {
            StoreGradient(g, c, tile, nr, rows, cols);
            return;
        }
        // A per-row bias is read from a row of copies of it, so the loops below stay those of a per-column one.
        bool biasPerRow = g->Product == GemmProduct.PositionsForward && bias != null;
        float* rowBias = stackalloc float[MaxTileFloats / 8];
        float* columnBias = bias;
        for (int r = 0; r < rows; r++, c += g->Ldc, tile += nr)
        {
            int o = 0;
            if (biasPerRow)
            {
                new Span<float>(rowBias, MaxTileFloats / 8).Fill(columnBias[r]);
                bias = rowBias;
            }
            if (Vector256.IsHardwareAccelerated && g->Activation != Activation.Tanh)
            {
                Vector256<float> alpha = Vector256.Create(g->Alpha);
                for (; o <= cols - Vector256<float>.Count; o += Vector256<float>.Count)
                {
                    Vector256<float> z = Vector256.Load(tile + o);
                    if (bias != null)
                    {
                        z += Vector256.Load(bias + o);
                    }
                    z = g->Activation switch
                    {
                        Activation.ReLU => SimdHelpers.Relu(z),
                        Activation.LeakyReLU => SimdHelpers.LeakyRelu(z, alpha),
                        Activation.Sigmoid => SimdHelpers.Sigmoid(z),
                        _ => z,
                    };
                    z.Store(c + o);
                }
            }
            if (g->Activation != Activation.Tanh)
            {
                Vector128<float> alpha = Vector128.Create(g->Alpha);
                for (; o <= cols - Vector128<float>.Count; o += Vector128<float>.Count)
                {
                    Vector128<float> z = Vector128.Load(tile + o);
                    if (bias != null)
                    {
                        z += Vector128.Load(bias + o);
                    }
                    z = g->Activation switch
                    {
                        Activation.ReLU => SimdHelpers.Relu(z),
                        Activation.LeakyReLU => SimdHelpers.LeakyRelu(z, alpha),
                        Activation.Sigmoid => SimdHelpers.Sigmoid(z),
                        _ => z,
                    };
                    z.Store(c + o);
                }
            }
            // Tanh has no vector intrinsic; MathF.Tanh per element is exact and costs little next to the GEMM.
            for (; o < cols; o++)
            {
                float z = tile[o] + (bias != null ? bias[o] : 0f);
                c[o] = Reference.Activate(z, g->Activation, g->Alpha);
            }
        }
    }
}
