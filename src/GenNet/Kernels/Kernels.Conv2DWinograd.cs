using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

// Winograd F(2×2, 3×3) (Lavin & Gray, 2016): the forward pass of a 3×3 convolution at stride 1 in 2×2 output tiles, each
// from a 4×4 input tile by 16 products per channel and filter instead of 36.
//   weights   U[f, c] = G·w[f, c]·Gᵀ         (4×4 from 3×3, again whenever the weights have changed)
//   input     V[t, c] = Bᵀ·d[t, c]·B         (4×4 input tile t of channel c, zero outside the image)
//   product   M[t, f] = Σ_c U[f, c] ⊙ V[t, c] (16 products over the channels, one per point of the tile)
//   output    y[f, tile t] = act(Aᵀ·M[t, f]·A + b[f])
// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], Aᵀ = [1 1 1 0; 0 1 −1 −1]: only
// additions and halvings, so the result is the direct sum's up to a few roundings of the transforms. MnistConvNet's second
// convolution (32→64 channels, 11×11 out) does 2.36 MFLOP of products a sample this way (6×6 tiles cover 12×12) against
// 4.46 direct: its forward with the pooling after it took 3.6–3.9 ms for 128 images against 6.3–6.4 direct, and 29 µs
// for one image against 50 (Zen 4, 1 thread). Vector256 with FMA only (AVX2 and AVX-512 machines); elsewhere the forward
// stays the direct product. The backward passes are the direct ones (the gradient of the same convolution).
public static unsafe partial class Kernels
{
    /// <summary>Output tiles in one register block of the product (6 tiles × 16 filters: 12 Vector256 accumulators, which
    /// with two weight rows and a broadcast fit AVX2's 16 registers).</summary>
    private const int WinogradTileBlock = 6;

    /// <summary>Filters in one register block: two Vector256.</summary>
    private const int WinogradFilterBlock = 16;

    /// <summary>Whether <see cref="Conv2DForward{TLayer}"/> and <see cref="Conv2DMaxPoolForward{TLayer}"/> take Winograd for
    /// <paramref name="g"/>: a 3×3 kernel at stride 1, channels a multiple of 8 and filters of 16, and Vector256 FMA.</summary>
    public static bool UsesWinograd(in Conv2DGeometry g) =>
        SimdHelpers.Width >= 256 && Fma.IsSupported && g.KernelHeight == 3 && g.KernelWidth == 3 && g.Stride == 1
        && g.Channels % 8 == 0 && g.Filters % WinogradFilterBlock == 0;

    /// <summary>Tiles down and across: ⌈OH / 2⌉ and ⌈OW / 2⌉ (an odd size's last tile computes one row or column too many,
    /// which is not stored).</summary>
    private static (int Down, int Across) WinogradTiles(in Conv2DGeometry g) => ((g.OutHeight + 1) / 2, (g.OutWidth + 1) / 2);

    /// <summary>Floats of the transformed weights: 16 points × C × F.</summary>
    private static nint WinogradWeightFloats(in Conv2DGeometry g) => Lines(16L * g.Channels * g.Filters);

    /// <summary>u[fb, p, c, lane] = (G·w[16·fb + lane, c]·Gᵀ)[p] for the 16 points p of a 4×4 tile: each filter block's
    /// weights for one point are C rows of 16 filters, the rows the product reads. Vectors of 8 filters over w transposed
    /// in <paramref name="scratch"/> (9·C·F floats).</summary>
    private static void WinogradTransformWeights(float* u, float* w, in Conv2DGeometry g, float* scratch)
    {
        int c = g.Channels, f = g.Filters;
        TransposeInto(scratch, w, f, c * 9); // scratch[(c·9 + tap) × F]
        nint point = (nint)c * WinogradFilterBlock; // from one point's rows to the next
        for (int ch = 0; ch < c; ch++)
        {
            for (int f8 = 0; f8 < f; f8 += 8)
            {
                float* s = scratch + (nint)ch * 9 * f + f8;
                float* t = u + ((nint)(f8 / WinogradFilterBlock) * 16 * c + ch) * WinogradFilterBlock + f8 % WinogradFilterBlock;
                // G·w, column by column (the rows of the kernel combined), then each of its 4 rows times Gᵀ.
                (Vector256<float> r00, Vector256<float> r10, Vector256<float> r20, Vector256<float> r30) = WinogradWeightColumn(s, f);
                (Vector256<float> r01, Vector256<float> r11, Vector256<float> r21, Vector256<float> r31) = WinogradWeightColumn(s + f, f);
                (Vector256<float> r02, Vector256<float> r12, Vector256<float> r22, Vector256<float> r32) = WinogradWeightColumn(s + 2 * (nint)f, f);
                WinogradStoreWeightRow(t, point, r00, r01, r02);
                WinogradStoreWeightRow(t + 4 * point, point, r10, r11, r12);
                WinogradStoreWeightRow(t + 8 * point, point, r20, r21, r22);
                WinogradStoreWeightRow(t + 12 * point, point, r30, r31, r32);
            }
        }
    }

    /// <summary>G times column v of a 3×3 kernel (taps v, 3 + v, 6 + v, <paramref name="f"/> floats apart): g0, (g0 + g1 +
    /// g2)·½, (g0 − g1 + g2)·½, g2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) WinogradWeightColumn(float* s, int f)
    {
        Vector256<float> half = Vector256.Create(0.5f);
        Vector256<float> g0 = Vector256.Load(s), g1 = Vector256.Load(s + 3 * (nint)f), g2 = Vector256.Load(s + 6 * (nint)f);
        return (g0, (g0 + g1 + g2) * half, (g0 - g1 + g2) * half, g2);
    }

    /// <summary>A row (a, b, d) of G·w times Gᵀ: a, (a + b + d)·½, (a − b + d)·½, d, to 4 points.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WinogradStoreWeightRow(float* t, nint point, Vector256<float> a, Vector256<float> b, Vector256<float> d)
    {
        Vector256<float> half = Vector256.Create(0.5f);
        a.Store(t);
        ((a + b + d) * half).Store(t + point);
        ((a - b + d) * half).Store(t + 2 * point);
        d.Store(t + 3 * point);
    }

    /// <summary>The weights <paramref name="w"/> transformed for the whole call, when the forward takes Winograd; else
    /// null. Kept per layer and calling thread with a copy of the weights they came from, and reused while the weights
    /// are the same bits: a single image's Forward or Predict would otherwise spend 20 µs transforming MnistConvNet's
    /// second convolution (as long as its 28 µs product; comparing 72 KB takes about 1 µs), and a training step pays a
    /// copy.</summary>
    private static float* WinogradWeightsOf<TLayer>(float* w, in Conv2DGeometry g)
        where TLayer : struct, IDenseLayerKernels
    {
        if (!UsesWinograd(g))
        {
            return null;
        }
        int count = g.WeightCount;
        ref WinogradWeights<TLayer>.Cache cache = ref WinogradWeights<TLayer>.Current;
        if (cache.Source is null || cache.Source.Length != count)
        {
            cache.Source = GC.AllocateUninitializedArray<float>(count, pinned: true);
            cache.Transformed = GC.AllocateUninitializedArray<float>((int)WinogradWeightFloats(g) + 16, pinned: true);
            cache.Valid = false;
        }
        var weights = new ReadOnlySpan<float>(w, count);
        float* u = (float*)(((nuint)Unsafe.AsPointer(ref cache.Transformed![0]) + 63) & ~(nuint)63);
        // Bits, not values: −0 and +0 weights give different transforms' zeros, and NaN never equals itself.
        if (!cache.Valid || cache.Geometry != g || !MemoryMarshal.Cast<float, int>(weights).SequenceEqual(MemoryMarshal.Cast<float, int>(cache.Source.AsSpan())))
        {
            WinogradTransformWeights(u, w, g, ConvScratch.Get(Lines(9L * g.Channels * g.Filters)));
            weights.CopyTo(cache.Source);
            (cache.Geometry, cache.Valid) = (g, true);
        }
        return u;
    }

    /// <summary>
    /// Samples [<paramref name="start"/>, <paramref name="end"/>) of <see cref="ForwardSamples{TLayer}"/> by Winograd, from
    /// the job's transformed weights: part <paramref name="part"/> of <paramref name="parts"/> of the filter blocks into y,
    /// or with <paramref name="pool"/> into this thread's scratch and max-pooled from there.
    /// </summary>
    private static void WinogradSamples<TLayer>(ConvJob* job, int start, int end, int part, int parts, PoolJob* pool)
        where TLayer : struct, IDenseLayerKernels
    {
        Conv2DGeometry g = job->G;
        int c = g.Channels, positions = g.OutHeight * g.OutWidth;
        (int down, int across) = WinogradTiles(g);
        int tiles = down * across, tilesPadded = (tiles + WinogradTileBlock - 1) / WinogradTileBlock * WinogradTileBlock;
        int hq = 2 * down + 2, wq = 2 * across + 2;
        (int fb0, int fb1) = PartRange(g.Filters / WinogradFilterBlock, part, parts);
        if (fb0 >= fb1)
        {
            return;
        }
        int f0 = fb0 * WinogradFilterBlock, filters = (fb1 - fb0) * WinogradFilterBlock;
        nint transposedFloats = Lines((long)g.Height * g.Width * c), planeFloats = Lines((long)hq * wq * c);
        nint pointsFloats = Lines(16L * tilesPadded * c), productFloats = Lines(16L * WinogradTileBlock * WinogradFilterBlock);
        float* transposed = ConvScratch.Get(transposedFloats + planeFloats + pointsFloats + productFloats + Lines((long)positions * filters));
        float* plane = transposed + transposedFloats, points = plane + planeFloats, products = points + pointsFloats;
        float* channelLast = products + productFloats;
        // The plane's border and the padding tiles' rows are the same zeros for every sample; each sample overwrites the rest.
        new Span<float>(plane, hq * wq * c).Clear();
        for (int p = 0; p < 16; p++)
        {
            new Span<float>(points + ((nint)p * tilesPadded + tiles) * c, (tilesPadded - tiles) * c).Clear();
        }
        float* output = pool != null ? ConvOutput.Get((nint)filters * positions) : null;
        for (int b = start; b < end; b++)
        {
            WinogradTransformInput(points, plane, transposed, job->X + (long)b * g.InputSize, g, tilesPadded);
            for (int fb = fb0; fb < fb1; fb++)
            {
                float* u = job->Winograd + (nint)fb * 16 * c * WinogradFilterBlock;
                float* bias = job->Bias == null ? null : job->Bias + fb * WinogradFilterBlock;
                for (int t0 = 0; t0 < tiles; t0 += WinogradTileBlock)
                {
                    WinogradProducts(products, points + (nint)t0 * c, u, c, tilesPadded);
                    WinogradStoreTiles(channelLast + (fb - fb0) * WinogradFilterBlock, products, bias, g, t0, Math.Min(WinogradTileBlock, tiles - t0), filters,
                        TLayer.Activation, TLayer.Alpha);
                }
            }
            float* y = pool != null ? output : job->Y + (long)b * g.OutputSize + (long)f0 * positions;
            TransposeInto(y, channelLast, positions, filters);
            if (TLayer.Activation == Activation.Tanh)
            {
                // No vector tanh: the scalar one, as the engine's epilogue does, once the planes are in place.
                for (nint i = 0; i < (nint)filters * positions; i++)
                {
                    y[i] = MathF.Tanh(y[i]);
                }
            }
            if (pool != null)
            {
                PoolSample(pool, output, b, f0, f0 + filters);
            }
        }
    }

    /// <summary>points[p, t, c] = (Bᵀ·d[t, c]·B)[p] for every tile t of sample <paramref name="x"/> (row stride C of each
    /// point's tiles, <paramref name="tilesPadded"/> tiles a point): the sample is transposed to channels-last into
    /// <paramref name="transposed"/> and placed in <paramref name="plane"/>, whose zero border is the padding, so that each
    /// 4×4 tile is 16 vectors of 8 channels.</summary>
    private static void WinogradTransformInput(float* points, float* plane, float* transposed, float* x, in Conv2DGeometry g, int tilesPadded)
    {
        int c = g.Channels;
        (int down, int across) = WinogradTiles(g);
        int wq = 2 * across + 2;
        TransposeInto(transposed, x, c, g.Height * g.Width);
        for (int r = 0; r < g.Height; r++)
        {
            CopyFloats(plane + ((nint)(r + g.PadTop) * wq + g.PadLeft) * c, transposed + (nint)r * g.Width * c, g.Width * c);
        }
        nint row = (nint)wq * c, point = (nint)tilesPadded * c;
        for (int ty = 0; ty < down; ty++)
        {
            for (int tx = 0; tx < across; tx++)
            {
                float* d = plane + (2 * ty * row) + (nint)2 * tx * c;
                float* v = points + (nint)(ty * across + tx) * c;
                for (int ch = 0; ch < c; ch += 8, d += 8, v += 8)
                {
                    // Bᵀ·d: rows 0 − 2, 1 + 2, 2 − 1, 1 − 3, each a row of 4 vectors.
                    for (int j = 0; j < 4; j++)
                    {
                        Vector256<float> d0 = Vector256.Load(d + j * c), d1 = Vector256.Load(d + row + j * c);
                        Vector256<float> d2 = Vector256.Load(d + 2 * row + j * c), d3 = Vector256.Load(d + 3 * row + j * c);
                        (d0 - d2).Store(v + (0 * 4 + j) * point);
                        (d1 + d2).Store(v + (1 * 4 + j) * point);
                        (d2 - d1).Store(v + (2 * 4 + j) * point);
                        (d1 - d3).Store(v + (3 * 4 + j) * point);
                    }
                    // ·B: the same combinations of each row's columns, in place.
                    for (int i = 0; i < 4; i++)
                    {
                        float* e = v + i * 4 * point;
                        Vector256<float> e0 = Vector256.Load(e), e1 = Vector256.Load(e + point), e2 = Vector256.Load(e + 2 * point), e3 = Vector256.Load(e + 3 * point);
                        (e0 - e2).Store(e);
                        (e1 + e2).Store(e + point);
                        (e2 - e1).Store(e + 2 * point);
                        (e1 - e3).Store(e + 3 * point);
                    }
                }
            }
        }
    }

    /// <summary>products[p, r, lane] = Σ_c points[p, t0 + r, c] · u[p, c, lane] for the 16 points p, 6 tiles r and 16
    /// filters: each a chain of FMAs over c in order from 0, in 12 Vector256 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WinogradProducts(float* products, float* points, float* u, int c, int tilesPadded)
    {
        nint point = (nint)tilesPadded * c;
        for (int p = 0; p < 16; p++, points += point, u += (nint)c * WinogradFilterBlock, products += WinogradTileBlock * WinogradFilterBlock)
        {
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
            Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
            float* a = points, w = u;
            for (int k = 0; k < c; k++, a++, w += WinogradFilterBlock)
            {
                Vector256<float> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 8);
                Vector256<float> s = Vector256.Create(a[0]);
                a00 = Fma.MultiplyAdd(s, w0, a00); a01 = Fma.MultiplyAdd(s, w1, a01);
                s = Vector256.Create(a[c]);
                a10 = Fma.MultiplyAdd(s, w0, a10); a11 = Fma.MultiplyAdd(s, w1, a11);
                s = Vector256.Create(a[2 * c]);
                a20 = Fma.MultiplyAdd(s, w0, a20); a21 = Fma.MultiplyAdd(s, w1, a21);
                s = Vector256.Create(a[3 * c]);
                a30 = Fma.MultiplyAdd(s, w0, a30); a31 = Fma.MultiplyAdd(s, w1, a31);
                s = Vector256.Create(a[4 * c]);
                a40 = Fma.MultiplyAdd(s, w0, a40); a41 = Fma.MultiplyAdd(s, w1, a41);
                s = Vector256.Create(a[5 * c]);
                a50 = Fma.MultiplyAdd(s, w0, a50); a51 = Fma.MultiplyAdd(s, w1, a51);
            }
            a00.Store(products); a01.Store(products + 8);
            a10.Store(products + 16); a11.Store(products + 24);
            a20.Store(products + 32); a21.Store(products + 40);
            a30.Store(products + 48); a31.Store(products + 56);
            a40.Store(products + 64); a41.Store(products + 72);
            a50.Store(products + 80); a51.Store(products + 88);
        }
    }

    /// <summary>For <paramref name="count"/> tiles from <paramref name="t0"/>: Aᵀ·M·A, plus the bias, through the activation
    /// (not Tanh, done after), into the channels-last output (a row of <paramref name="rowFloats"/> per position), leaving
    /// out the row and column past an odd output's edge.</summary>
    private static void WinogradStoreTiles(float* channelLast, float* products, float* bias, in Conv2DGeometry g, int t0, int count, int rowFloats,
        Activation activation, float alpha)
    {
        (_, int across) = WinogradTiles(g);
        const int point = WinogradTileBlock * WinogradFilterBlock;
        for (int r = 0; r < count; r++)
        {
            int tile = t0 + r, oy = tile / across * 2, ox = tile % across * 2;
            bool secondRow = oy + 1 < g.OutHeight, secondColumn = ox + 1 < g.OutWidth;
            for (int h = 0; h < WinogradFilterBlock; h += 8)
            {
                float* m = products + r * WinogradFilterBlock + h;
                // Aᵀ·M: rows 0 + 1 + 2 and 1 − 2 − 3, for each of the 4 columns.
                Vector256<float> s00 = Vector256.Load(m) + Vector256.Load(m + 4 * point) + Vector256.Load(m + 8 * point);
                Vector256<float> s01 = Vector256.Load(m + point) + Vector256.Load(m + 5 * point) + Vector256.Load(m + 9 * point);
                Vector256<float> s02 = Vector256.Load(m + 2 * point) + Vector256.Load(m + 6 * point) + Vector256.Load(m + 10 * point);
                Vector256<float> s03 = Vector256.Load(m + 3 * point) + Vector256.Load(m + 7 * point) + Vector256.Load(m + 11 * point);
                Vector256<float> s10 = Vector256.Load(m + 4 * point) - Vector256.Load(m + 8 * point) - Vector256.Load(m + 12 * point);
                Vector256<float> s11 = Vector256.Load(m + 5 * point) - Vector256.Load(m + 9 * point) - Vector256.Load(m + 13 * point);
                Vector256<float> s12 = Vector256.Load(m + 6 * point) - Vector256.Load(m + 10 * point) - Vector256.Load(m + 14 * point);
                Vector256<float> s13 = Vector256.Load(m + 7 * point) - Vector256.Load(m + 11 * point) - Vector256.Load(m + 15 * point);
                Vector256<float> b = bias == null ? Vector256<float>.Zero : Vector256.Load(bias + h);
                float* y = channelLast + ((nint)oy * g.OutWidth + ox) * rowFloats + h;
                WinogradStore(y, s00 + s01 + s02, b, bias != null, activation, alpha);
                if (secondColumn)
                {
                    WinogradStore(y + rowFloats, s01 - s02 - s03, b, bias != null, activation, alpha);
                }
                if (secondRow)
                {
                    y += (nint)g.OutWidth * rowFloats;
                    WinogradStore(y, s10 + s11 + s12, b, bias != null, activation, alpha);
                    if (secondColumn)
                    {
                        WinogradStore(y + rowFloats, s11 - s12 - s13, b, bias != null, activation, alpha);
                    }
                }
            }
        }
    }

    /// <summary>act(z + b) at <paramref name="y"/>, as the engine's epilogue computes it (Tanh is left for later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WinogradStore(float* y, Vector256<float> z, Vector256<float> b, bool hasBias, Activation activation, float alpha)
    {
        if (hasBias)
        {
            z += b;
        }
        z = activation switch
        {
            Activation.ReLU => SimdHelpers.Relu(z),
            Activation.LeakyReLU => SimdHelpers.LeakyRelu(z, Vector256.Create(alpha)),
            Activation.Sigmoid => SimdHelpers.Sigmoid(z),
            _ => z,
        };
        z.Store(y);
    }

    /// <summary>A layer's transformed weights on the calling thread (which every thread of the call reads), and the
    /// weights they were transformed from.</summary>
    private static class WinogradWeights<TLayer>
    {
        [ThreadStatic]
        private static Cache t_cache;

        public static ref Cache Current => ref t_cache;

        public struct Cache
        {
            public float[]? Source;
            public float[]? Transformed;
            public Conv2DGeometry Geometry;
            public bool Valid;
        }
    }

    public static partial class Reference
    {
        /// <summary>Scalar twin of the Winograd forward (<see cref="UsesWinograd"/>): the transforms and the sums over the
        /// channels in the kernel's order, then the bias and the activation.</summary>
        public static void Conv2DForwardWinograd(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
            in Conv2DGeometry g, Activation activation, float alpha)
        {
            if (g.KernelHeight != 3 || g.KernelWidth != 3 || g.Stride != 1)
            {
                throw new ArgumentException($"Winograd F(2×2, 3×3) needs a 3×3 kernel at stride 1 (got {g}).", nameof(g));
            }
            int c = g.Channels, f = g.Filters;
            var u = new float[f * c * 16];
            var t = new float[16];
            for (int k = 0; k < f * c; k++)
            {
                ReadOnlySpan<float> k3 = w.Slice(k * 9, 9);
                for (int v = 0; v < 3; v++)
                {
                    float g0 = k3[v], g1 = k3[3 + v], g2 = k3[6 + v];
                    (t[v], t[4 + v], t[8 + v], t[12 + v]) = (g0, (g0 + g1 + g2) * 0.5f, (g0 - g1 + g2) * 0.5f, g2);
                }
                for (int r = 0; r < 4; r++)
                {
                    float a = t[4 * r], b = t[4 * r + 1], d = t[4 * r + 2];
                    (u[k * 16 + 4 * r], u[k * 16 + 4 * r + 1], u[k * 16 + 4 * r + 2], u[k * 16 + 4 * r + 3]) = (a, (a + b + d) * 0.5f, (a - b + d) * 0.5f, d);
                }
            }
            var d4 = new float[16];
            var e = new float[16];
            var m = new float[16];
            for (int s = 0; s < batch; s++)
            {
                for (int oy = 0; oy < g.OutHeight; oy += 2)
                {
                    for (int ox = 0; ox < g.OutWidth; ox += 2)
                    {
                        for (int fi = 0; fi < f; fi++)
                        {
                            Array.Clear(m);
                            for (int ch = 0; ch < c; ch++)
                            {
                                for (int i = 0; i < 4; i++)
                                {
                                    for (int j = 0; j < 4; j++)
                                    {
                                        int iy = oy + i - g.PadTop, ix = ox + j - g.PadLeft;
                                        d4[4 * i + j] = iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width
                                            ? x[((s * c + ch) * g.Height + iy) * g.Width + ix] : 0f;
                                    }
                                }
                                for (int j = 0; j < 4; j++)
                                {
                                    float d0 = d4[j], d1 = d4[4 + j], d2 = d4[8 + j], d3 = d4[12 + j];
                                    (e[j], e[4 + j], e[8 + j], e[12 + j]) = (d0 - d2, d1 + d2, d2 - d1, d1 - d3);
                                }
                                for (int i = 0; i < 4; i++)
                                {
                                    float e0 = e[4 * i], e1 = e[4 * i + 1], e2 = e[4 * i + 2], e3 = e[4 * i + 3];
                                    (e[4 * i], e[4 * i + 1], e[4 * i + 2], e[4 * i + 3]) = (e0 - e2, e1 + e2, e2 - e1, e1 - e3);
                                }
                                for (int p = 0; p < 16; p++)
                                {
                                    m[p] = MathF.FusedMultiplyAdd(e[p], u[(fi * c + ch) * 16 + p], m[p]);
                                }
                            }
                            float s00 = m[0] + m[4] + m[8], s01 = m[1] + m[5] + m[9], s02 = m[2] + m[6] + m[10], s03 = m[3] + m[7] + m[11];
                            float s10 = m[4] - m[8] - m[12], s11 = m[5] - m[9] - m[13], s12 = m[6] - m[10] - m[14], s13 = m[7] - m[11] - m[15];
                            float b = bias.IsEmpty ? 0f : bias[fi];
                            Span<float> plane = y.Slice((s * f + fi) * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
                            Put(plane, g, oy, ox, s00 + s01 + s02, b, !bias.IsEmpty, activation, alpha);
                            Put(plane, g, oy, ox + 1, s01 - s02 - s03, b, !bias.IsEmpty, activation, alpha);
                            Put(plane, g, oy + 1, ox, s10 + s11 + s12, b, !bias.IsEmpty, activation, alpha);
                            Put(plane, g, oy + 1, ox + 1, s11 - s12 - s13, b, !bias.IsEmpty, activation, alpha);
                        }
                    }
                }
            }

            static void Put(Span<float> plane, in Conv2DGeometry g, int oy, int ox, float z, float b, bool hasBias, Activation activation, float alpha)
            {
                if (oy < g.OutHeight && ox < g.OutWidth)
                {
                    plane[oy * g.OutWidth + ox] = Activate(hasBias ? z + b : z, activation, alpha);
                }
            }
        }
    }
}
