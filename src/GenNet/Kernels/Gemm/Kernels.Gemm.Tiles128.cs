using System.Runtime.Intrinsics;

namespace GenNet;

// The Vector128 tiles: the SSE path (no AVX2), which the generator does not emit tiles for; they exist only here.
public static unsafe partial class Kernels
{
    /// <summary>tile[6×8] = A[6×K]·panel[K×8] with 12 Vector128 accumulators.</summary>
    private static void Tile128(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a0[0]);
            c00 = SimdHelpers.MultiplyAdd(av, b0, c00);
            c01 = SimdHelpers.MultiplyAdd(av, b1, c01);
            av = Vector128.Create(a0[rs]);
            c10 = SimdHelpers.MultiplyAdd(av, b0, c10);
            c11 = SimdHelpers.MultiplyAdd(av, b1, c11);
            av = Vector128.Create(a0[rs2]);
            c20 = SimdHelpers.MultiplyAdd(av, b0, c20);
            c21 = SimdHelpers.MultiplyAdd(av, b1, c21);
            av = Vector128.Create(a3[0]);
            c30 = SimdHelpers.MultiplyAdd(av, b0, c30);
            c31 = SimdHelpers.MultiplyAdd(av, b1, c31);
            av = Vector128.Create(a3[rs]);
            c40 = SimdHelpers.MultiplyAdd(av, b0, c40);
            c41 = SimdHelpers.MultiplyAdd(av, b1, c41);
            av = Vector128.Create(a3[rs2]);
            c50 = SimdHelpers.MultiplyAdd(av, b0, c50);
            c51 = SimdHelpers.MultiplyAdd(av, b1, c51);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c00.Store(tile); c01.Store(tile + 4);
        c10.Store(tile + 8); c11.Store(tile + 12);
        c20.Store(tile + 16); c21.Store(tile + 20);
        c30.Store(tile + 24); c31.Store(tile + 28);
        c40.Store(tile + 32); c41.Store(tile + 36);
        c50.Store(tile + 40); c51.Store(tile + 44);
    }

    /// <summary>tile[6×4] = A[6×K]·panel[K×4] with 6 Vector128 accumulators (results one vector wide).</summary>
    private static void Tile128Narrow(float* a, nint rs, nint cs, float* b, nint ldb, int k, float* tile)
    {
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        float* a0 = a;
        float* a3 = a + 3 * rs;
        nint rs2 = rs + rs;
        for (; k > 0; k--)
        {
            Vector128<float> b0 = Vector128.Load(b);
            c0 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[0]), b0, c0);
            c1 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[rs]), b0, c1);
            c2 = SimdHelpers.MultiplyAdd(Vector128.Create(a0[rs2]), b0, c2);
            c3 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[0]), b0, c3);
            c4 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[rs]), b0, c4);
            c5 = SimdHelpers.MultiplyAdd(Vector128.Create(a3[rs2]), b0, c5);
            a0 += cs;
            a3 += cs;
            b += ldb;
        }
        c0.Store(tile); c1.Store(tile + 4); c2.Store(tile + 8);
        c3.Store(tile + 12); c4.Store(tile + 16); c5.Store(tile + 20);
    }
}
