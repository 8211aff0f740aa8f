using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenNet;

/// <summary>The sizes of one 2-D convolution, all known when the network is generated.</summary>
/// <param name="Channels">C: input channels.</param>
/// <param name="Height">H: input rows.</param>
/// <param name="Width">W: input columns.</param>
/// <param name="Filters">F: output channels.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="Stride">S, down and across.</param>
/// <param name="PadTop">Zero rows above the input.</param>
/// <param name="PadLeft">Zero columns left of the input.</param>
/// <param name="OutHeight">OH.</param>
/// <param name="OutWidth">OW.</param>
public readonly record struct Conv2DGeometry(int Channels, int Height, int Width, int Filters, int KernelHeight, int KernelWidth,
    int Stride, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample, C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample, F·OH·OW.</summary>
    public int OutputSize => Filters * OutHeight * OutWidth;

    /// <summary>Floats of the weights, F·C·KH·KW.</summary>
    public int WeightCount => Filters * Channels * KernelHeight * KernelWidth;

    /// <summary>The output columns j whose input column j·S + v − PadLeft lies inside the image: [first, end).</summary>
    internal (int First, int End) Columns(int v)
    {
        int first = Math.Max(0, CeilDiv(PadLeft - v, Stride));
        int end = Math.Min(OutWidth, FloorDiv(Width - 1 - v + PadLeft, Stride) + 1);
        return (first, Math.Max(first, end));
    }

    /// <summary>
    /// Whether <paramref name="outputs"/> positions are what some zero padding after the input (less than the kernel, as
    /// before it) gives: ⌊(n + before + after − k) / S⌋ + 1. The kernels rely on it: the padded plane of the stride-1 path
    /// holds exactly OH + KH − 1 rows.
    /// </summary>
    private bool Consistent(int n, int kernel, int before, int outputs)
    {
        long low = Math.Max(0L, (outputs - 1L) * Stride + kernel - n - before);
        long high = Math.Min(kernel - 1L, (long)outputs * Stride + kernel - n - before - 1);
        return before < kernel && low <= high;
    }

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : (a + b - 1) / b;

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    internal void Check(int batch, int x, int y, int w, int bias, string xName, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (Channels < 1 || Height < 1 || Width < 1 || Filters < 1 || KernelHeight < 1 || KernelWidth < 1 || Stride < 1
            || OutHeight < 1 || OutWidth < 1 || PadTop < 0 || PadLeft < 0
            || !Consistent(Height, KernelHeight, PadTop, OutHeight) || !Consistent(Width, KernelWidth, PadLeft, OutWidth)
            || (long)Channels * Height * Width > int.MaxValue || (long)Filters * OutHeight * OutWidth > int.MaxValue
            || (long)Filters * Channels * KernelHeight * KernelWidth > int.MaxValue
            || Math.Max(Channels, Filters) * (2L * (OutHeight + KernelHeight - 1) * (OutWidth + KernelWidth - 1) + 96) > int.MaxValue)
        {
            throw new ArgumentException($"Not a convolution the kernels can run: {this}.", nameof(Conv2DGeometry));
        }
        Guard.Rows(x, batch, InputSize, xName);
        Guard.Rows(y, batch, OutputSize, yName);
        Guard.Rows(w, 1, WeightCount, "w");
        if (bias != 0 && bias < Filters)
        {
            throw new ArgumentException($"bias holds {bias} values; {Filters} filters need {Filters} (or none).", nameof(bias));
        }
    }
}

// Direct convolution over CHW samples. Forward and input gradient split the batch over the worker pool (samples are
// independent); the weight gradient splits the filters (each filter's sums run over the whole batch on one thread), so
// every value is the same whatever the thread count.
//
// Stride 1 ("wide" rows): the sample is copied into a zero-padded plane per channel, Hp × Wp with Wp = OW + KW − 1, and
// the output is computed with the padded row stride Wp. Output (i, j) then reads xpad[c, (i·Wp + j) + (u·Wp + v)], so
// each kernel tap is one multiply-add over the whole plane, L = (OH − 1)·Wp + OW values long (726 for a 28×28 image
// and a 3×3 kernel) instead of OH rows of OW; the Wp − OW extra columns of each row are computed and dropped. Forward
// and input gradient keep the scalar twin's order per element (bias, then (c, u, v) ascending), so they match it bit for
// bit; the taps that read padding add w·0, which changes a sum only if it is −0 (the twin skips them). The weight
// gradient is a dot product of that length per tap, whose lanes sum in another order than the twin's. Larger strides
// run the row-by-row loops below.
public static unsafe partial class Kernels
{
    /// <summary>y[B×F×OH×OW] = act(b[f] + Σ_c Σ_u Σ_v x[c, i·S + u − top, j·S + v − left] · w[f, c, u, v]), zero outside
    /// the image; <paramref name="bias"/> holds F values, or none.</summary>
    public static void Conv2DForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
        in Conv2DGeometry g, Activation activation, float alpha, WorkerPool? workers = null)
    {
        g.Check(batch, x.Length, y.Length, w.Length, bias.Length, nameof(x), nameof(y));
        fixed (float* py = y, px = x, pw = w, pb = bias)
        {
            var job = new ConvJob(g, py, px, pw, bias.IsEmpty ? null : pb, null, batch, activation, alpha);
            Split(g.Stride == 1 ? &WideForwardPart : &ForwardPart, &job, batch, workers);
        }
    }

    /// <summary>dw[f, c, u, v] = Σ_b Σ_i Σ_j dz[b, f, i, j] · x[b, c, i·S + u − top, j·S + v − left]; db[f] = Σ_b Σ_i Σ_j dz[b, f, i, j]
    /// (skipped when <paramref name="db"/> is empty). Both overwrite.</summary>
    public static void Conv2DBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch,
        in Conv2DGeometry g, WorkerPool? workers = null)
    {
        g.Check(batch, x.Length, dz.Length, dw.Length, db.Length, nameof(x), nameof(dz));
        fixed (float* pdw = dw, pdb = db, px = x, pdz = dz)
        {
            var job = new ConvJob(g, pdz, px, pdw, db.IsEmpty ? null : pdb, null, batch, Activation.None, 0f);
            Split(g.Stride == 1 ? &WideWeightGradientPart : &WeightGradientPart, &job, g.Filters, workers);
        }
    }

    /// <summary>dx[b, c, y, x] = Σ over the (f, i, j, u, v) that read it of dz[b, f, i, j] · w[f, c, u, v]; overwrites.</summary>
    public static void Conv2DBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch,
        in Conv2DGeometry g, WorkerPool? workers = null)
    {
        g.Check(batch, dx.Length, dz.Length, w.Length, 0, nameof(dx), nameof(dz));
        fixed (float* pdx = dx, pdz = dz, pw = w)
        {
            var job = new ConvJob(g, pdz, null, pw, null, pdx, batch, Activation.None, 0f);
            Split(g.Stride == 1 ? &WideInputGradientPart : &InputGradientPart, &job, batch, workers);
        }
    }

    private readonly struct ConvJob(Conv2DGeometry g, float* y, float* x, float* w, float* bias, float* dx, int batch, Activation activation, float alpha)
    {
        public readonly Conv2DGeometry G = g;
        public readonly float* Y = y, X = x, W = w, Bias = bias, Dx = dx;
        public readonly int Batch = batch;
        public readonly Activation Activation = activation;
        public readonly float Alpha = alpha;
    }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="items"/>) in as many contiguous parts as the pool has threads.</summary>
    private static void Split(delegate*<void*, int, int, void> body, ConvJob* job, int items, WorkerPool? workers)
    {
        int parts = workers is null ? 1 : Math.Min(workers.ThreadCount, items);
        if (parts <= 1)
        {
            body(job, 0, 1);
        }
        else
        {
            workers!.Run(body, job, parts);
        }
    }

    private static (int Start, int End) PartRange(int items, int part, int parts) =>
        ((int)((long)items * part / parts), (int)((long)items * (part + 1) / parts));

    /// <summary>Padded plane sizes for stride 1: Hp = OH + KH − 1 rows of Wp = OW + KW − 1, and the wide length L.</summary>
    private static (int Hp, int Wp, int L) WideSizes(in Conv2DGeometry g)
    {
        int wp = g.OutWidth + g.KernelWidth - 1;
        return (g.OutHeight + g.KernelHeight - 1, wp, (g.OutHeight - 1) * wp + g.OutWidth);
    }

    /// <summary>xpad[c] = sample <paramref name="x"/>'s channel c inside a zero border (PadTop rows, PadLeft columns before).</summary>
    private static void FillPadded(float* xpad, float* x, in Conv2DGeometry g, int hp, int wp)
    {
        new Span<float>(xpad, g.Channels * hp * wp).Clear();
        for (int c = 0; c < g.Channels; c++)
        {
            for (int r = 0; r < g.Height; r++)
            {
                new ReadOnlySpan<float>(x + ((long)c * g.Height + r) * g.Width, g.Width)
                    .CopyTo(new Span<float>(xpad + ((long)c * hp + r + g.PadTop) * wp + g.PadLeft, g.Width));
            }
        }
    }

    /// <summary>dzw = the OH × OW plane <paramref name="dz"/> at row stride Wp; the columns past OW stay as they are (zero).</summary>
    private static void SpreadRows(float* dzw, float* dz, in Conv2DGeometry g, int wp)
    {
        for (int i = 0; i < g.OutHeight; i++)
        {
            new ReadOnlySpan<float>(dz + (long)i * g.OutWidth, g.OutWidth).CopyTo(new Span<float>(dzw + (long)i * wp, g.OutWidth));
        }
    }

    /// <summary>
    /// Forward at stride 1. Four filters at a time keep their sums for one vector of output positions in registers over
    /// every tap (c, u, v), reading each input vector once for the four and the weights as broadcasts from a transposed
    /// copy [tap × F]; the filters left over run one tap at a time over the plane. Both add the taps in the twin's order.
    /// </summary>
    private static void WideForwardPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Batch, part, parts);
        (int hp, int wp, int length) = WideSizes(g);
        int plane = g.OutHeight * g.OutWidth;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth;
        // A vector that starts before the plane's end may run up to a vector past it: room for that after each buffer.
        nint xpadFloats = ((nint)g.Channels * hp * wp + 64 + 15) & ~15;
        nint wideFloats = ((nint)g.OutHeight * wp + 64 + 15) & ~15;
        float* xpad = GemmScratch.Get(xpadFloats + 4 * wideFloats + (nint)taps * g.Filters + taps + 16);
        float* wide = xpad + xpadFloats;
        float* weightsByTap = wide + 4 * wideFloats;
        int* offsets = (int*)(weightsByTap + (nint)taps * g.Filters);
        for (int c = 0, t = 0; c < g.Channels; c++)
        {
            for (int u = 0; u < g.KernelHeight; u++)
            {
                for (int v = 0; v < g.KernelWidth; v++, t++)
                {
                    offsets[t] = (c * hp + u) * wp + v;
                }
            }
        }
        for (int f = 0; f < g.Filters; f++)
        {
            for (int t = 0; t < taps; t++)
            {
                weightsByTap[(nint)t * g.Filters + f] = job->W[(nint)f * taps + t];
            }
        }
        int blocked = Vector.IsHardwareAccelerated ? g.Filters & ~3 : 0;
        for (int b = start; b < end; b++)
        {
            FillPadded(xpad, job->X + (long)b * g.InputSize, g, hp, wp);
            float* y = job->Y + (long)b * g.OutputSize;
            for (int f = 0; f < blocked; f += 4)
            {
                FourFilters(wide, wideFloats, xpad, weightsByTap + f, g.Filters, offsets, taps, job->Bias == null ? null : job->Bias + f, length);
                for (int k = 0; k < 4; k++)
                {
                    StoreWide(y + (long)(f + k) * plane, wide + k * wideFloats, g, wp, job->Activation, job->Alpha);
                }
            }
            for (int f = blocked; f < g.Filters; f++)
            {
                new Span<float>(wide, length).Fill(job->Bias == null ? 0f : job->Bias[f]);
                float* w = job->W + (nint)f * taps;
                for (int t = 0; t < taps; t++)
                {
                    MultiplyAddRow(wide, xpad + offsets[t], 1, w[t], length);
                }
                StoreWide(y + (long)f * plane, wide, g, wp, job->Activation, job->Alpha);
            }
        }
    }

    /// <summary>wide[k] = bias + Σ_t w[t, k] · xpad[offset_t + k] for four filters (planes <paramref name="stride"/> apart),
    /// k over whole vectors up to <paramref name="length"/> (the last one may run past it).</summary>
    private static void FourFilters(float* wide, nint stride, float* xpad, float* weights, int filters, int* offsets, int taps, float* bias, int length)
    {
        var b0 = new Vector<float>(bias == null ? 0f : bias[0]);
        var b1 = new Vector<float>(bias == null ? 0f : bias[1]);
        var b2 = new Vector<float>(bias == null ? 0f : bias[2]);
        var b3 = new Vector<float>(bias == null ? 0f : bias[3]);
        for (int k = 0; k < length; k += Vector<float>.Count)
        {
            Vector<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3;
            float* xk = xpad + k;
            float* w = weights;
            for (int t = 0; t < taps; t++, w += filters)
            {
                Vector<float> x = Vector.Load(xk + offsets[t]);
                a0 += new Vector<float>(w[0]) * x;
                a1 += new Vector<float>(w[1]) * x;
                a2 += new Vector<float>(w[2]) * x;
                a3 += new Vector<float>(w[3]) * x;
            }
            Vector.Store(a0, wide + k);
            Vector.Store(a1, wide + stride + k);
            Vector.Store(a2, wide + 2 * stride + k);
            Vector.Store(a3, wide + 3 * stride + k);
        }
    }

    /// <summary>The OH × OW output plane from its wide rows (row stride Wp), through the activation.</summary>
    private static void StoreWide(float* target, float* wide, in Conv2DGeometry g, int wp, Activation activation, float alpha)
    {
        for (int i = 0; i < g.OutHeight; i++)
        {
            float* row = wide + (long)i * wp;
            float* outRow = target + (long)i * g.OutWidth;
            for (int j = 0; j < g.OutWidth; j++)
            {
                outRow[j] = activation == Activation.None ? row[j] : Reference.Activate(row[j], activation, alpha);
            }
        }
    }

    private static void WideWeightGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(g.Filters, part, parts);
        if (start == end)
        {
            return;
        }
        (int hp, int wp, int length) = WideSizes(g);
        int plane = g.OutHeight * g.OutWidth;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth;
        // Four filters share each read of the input: their dz planes sit at row stride Wp, four buffers apart.
        nint xpadFloats = ((nint)g.Channels * hp * wp + 15) & ~15;
        nint dzwFloats = ((nint)g.OutHeight * wp + 15) & ~15;
        float* xpad = GemmScratch.Get(xpadFloats + 4 * dzwFloats + taps + 16);
        float* dzw = xpad + xpadFloats;
        int* offsets = (int*)(dzw + 4 * dzwFloats);
        for (int c = 0, t = 0; c < g.Channels; c++)
        {
            for (int u = 0; u < g.KernelHeight; u++)
            {
                for (int v = 0; v < g.KernelWidth; v++, t++)
                {
                    offsets[t] = (c * hp + u) * wp + v;
                }
            }
        }
        new Span<float>(dzw, (int)(4 * dzwFloats)).Clear();
        new Span<float>(job->W + (long)start * taps, (end - start) * taps).Clear();
        int blockedEnd = Vector.IsHardwareAccelerated ? start + ((end - start) & ~3) : start;
        for (int b = 0; b < job->Batch; b++)
        {
            FillPadded(xpad, job->X + (long)b * g.InputSize, g, hp, wp);
            float* dz = job->Y + (long)b * g.OutputSize;
            for (int f = start; f < blockedEnd; f += 4)
            {
                for (int k = 0; k < 4; k++)
                {
                    SpreadRows(dzw + k * dzwFloats, dz + (long)(f + k) * plane, g, wp);
                }
                float* dw = job->W + (long)f * taps;
                for (int t = 0; t < taps; t++)
                {
                    DotRows4(dw + t, taps, dzw, dzwFloats, xpad + offsets[t], length);
                }
            }
            for (int f = blockedEnd; f < end; f++)
            {
                SpreadRows(dzw, dz + (long)f * plane, g, wp);
                float* dw = job->W + (long)f * taps;
                for (int t = 0; t < taps; t++)
                {
                    dw[t] += DotRow(dzw, xpad + offsets[t], 1, length);
                }
            }
        }
        if (job->Bias != null)
        {
            for (int f = start; f < end; f++)
            {
                double bias = 0;
                for (int b = 0; b < job->Batch; b++)
                {
                    bias += Sum(job->Y + (long)b * g.OutputSize + (long)f * plane, plane);
                }
                job->Bias[f] = (float)bias;
            }
        }
    }

    /// <summary>
    /// Input gradient at stride 1, as a correlation like the forward pass: dxpad_c[p] = Σ_(f, u, v) w[f, c, u, v] ·
    /// dzz_f[p + pre − u·Wp − v], where dzz_f is dz_f at row stride Wp behind pre = (KH − 1)·Wp + KW − 1 zeros. Each sum
    /// runs over (f, u, v) ascending, the scalar twin's order for every element, so the bits match it; four input channels
    /// at a time keep their sums in registers (<see cref="FourFilters"/>), the channels left over run one tap at a time.
    /// </summary>
    private static void WideInputGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Batch, part, parts);
        (int hp, int wp, _) = WideSizes(g);
        int plane = g.OutHeight * g.OutWidth;
        int kernelTaps = g.KernelHeight * g.KernelWidth;
        int taps = g.Filters * kernelTaps;
        int padded = hp * wp;
        int pre = (g.KernelHeight - 1) * wp + g.KernelWidth - 1;
        // Each zero-padded dz plane: pre zeros, its rows at stride Wp, and room for a vector read past the last position.
        nint zFloats = ((nint)pre + padded + 64 + 15) & ~15;
        nint wideFloats = ((nint)padded + 64 + 15) & ~15;
        float* dzz = GemmScratch.Get(g.Filters * zFloats + 4 * wideFloats + (nint)taps * g.Channels + taps + 16);
        float* wide = dzz + g.Filters * zFloats;
        float* weightsByTap = wide + 4 * wideFloats;
        int* offsets = (int*)(weightsByTap + (nint)taps * g.Channels);
        for (int f = 0, t = 0; f < g.Filters; f++)
        {
            for (int u = 0; u < g.KernelHeight; u++)
            {
                for (int v = 0; v < g.KernelWidth; v++, t++)
                {
                    offsets[t] = (int)(f * zFloats) + pre - u * wp - v;
                    for (int c = 0; c < g.Channels; c++)
                    {
                        weightsByTap[(nint)t * g.Channels + c] = job->W[((nint)f * g.Channels + c) * kernelTaps + u * g.KernelWidth + v];
                    }
                }
            }
        }
        new Span<float>(dzz, (int)(g.Filters * zFloats)).Clear();
        int blocked = Vector.IsHardwareAccelerated ? g.Channels & ~3 : 0;
        for (int b = start; b < end; b++)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                SpreadRows(dzz + f * zFloats + pre, job->Y + (long)b * g.OutputSize + (long)f * plane, g, wp);
            }
            float* dx = job->Dx + (long)b * g.InputSize;
            for (int c = 0; c < blocked; c += 4)
            {
                FourFilters(wide, wideFloats, dzz, weightsByTap + c, g.Channels, offsets, taps, null, padded);
                for (int k = 0; k < 4; k++)
                {
                    Crop(dx + (long)(c + k) * g.Height * g.Width, wide + k * wideFloats, g, wp);
                }
            }
            for (int c = blocked; c < g.Channels; c++)
            {
                new Span<float>(wide, padded).Clear();
                for (int t = 0; t < taps; t++)
                {
                    MultiplyAddRow(wide, dzz + offsets[t], 1, weightsByTap[(nint)t * g.Channels + c], padded);
                }
                Crop(dx + (long)c * g.Height * g.Width, wide, g, wp);
            }
        }
    }

    /// <summary>One channel of dx: the inside of its padded plane (PadTop rows and PadLeft columns in).</summary>
    private static void Crop(float* dx, float* dxpad, in Conv2DGeometry g, int wp)
    {
        for (int r = 0; r < g.Height; r++)
        {
            new ReadOnlySpan<float>(dxpad + (long)(r + g.PadTop) * wp + g.PadLeft, g.Width).CopyTo(new Span<float>(dx + (long)r * g.Width, g.Width));
        }
    }

    private static void ForwardPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Batch, part, parts);
        int plane = g.OutHeight * g.OutWidth;
        for (int b = start; b < end; b++)
        {
            float* x = job->X + (long)b * g.InputSize;
            float* y = job->Y + (long)b * g.OutputSize;
            for (int f = 0; f < g.Filters; f++)
            {
                float* yf = y + (long)f * plane;
                new Span<float>(yf, plane).Fill(job->Bias == null ? 0f : job->Bias[f]);
                float* wf = job->W + (long)f * g.Channels * g.KernelHeight * g.KernelWidth;
                for (int c = 0; c < g.Channels; c++)
                {
                    float* xc = x + (long)c * g.Height * g.Width;
                    for (int u = 0; u < g.KernelHeight; u++)
                    {
                        for (int v = 0; v < g.KernelWidth; v++)
                        {
                            float wv = *wf++;
                            (int j0, int j1) = g.Columns(v);
                            for (int i = 0; i < g.OutHeight; i++)
                            {
                                int iy = i * g.Stride + u - g.PadTop;
                                if ((uint)iy < (uint)g.Height)
                                {
                                    float* xr = xc + (long)iy * g.Width + (j0 * g.Stride + v - g.PadLeft);
                                    MultiplyAddRow(yf + (long)i * g.OutWidth + j0, xr, g.Stride, wv, j1 - j0);
                                }
                            }
                        }
                    }
                }
                if (job->Activation != Activation.None)
                {
                    for (int k = 0; k < plane; k++)
                    {
                        yf[k] = Reference.Activate(yf[k], job->Activation, job->Alpha);
                    }
                }
            }
        }
    }

    private static void WeightGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(g.Filters, part, parts);
        int plane = g.OutHeight * g.OutWidth;
        int taps = g.Channels * g.KernelHeight * g.KernelWidth;
        for (int f = start; f < end; f++)
        {
            float* dwf = job->W + (long)f * taps;
            new Span<float>(dwf, taps).Clear();
            double bias = 0;
            for (int b = 0; b < job->Batch; b++)
            {
                float* x = job->X + (long)b * g.InputSize;
                float* dzf = job->Y + (long)b * g.OutputSize + (long)f * plane;
                float* dw = dwf;
                for (int c = 0; c < g.Channels; c++)
                {
                    float* xc = x + (long)c * g.Height * g.Width;
                    for (int u = 0; u < g.KernelHeight; u++)
                    {
                        for (int v = 0; v < g.KernelWidth; v++)
                        {
                            (int j0, int j1) = g.Columns(v);
                            float sum = *dw;
                            for (int i = 0; i < g.OutHeight; i++)
                            {
                                int iy = i * g.Stride + u - g.PadTop;
                                if ((uint)iy < (uint)g.Height)
                                {
                                    sum += DotRow(dzf + (long)i * g.OutWidth + j0, xc + (long)iy * g.Width + (j0 * g.Stride + v - g.PadLeft), g.Stride, j1 - j0);
                                }
                            }
                            *dw++ = sum;
                        }
                    }
                }
                if (job->Bias != null)
                {
                    bias += Sum(dzf, plane);
                }
            }
            if (job->Bias != null)
            {
                job->Bias[f] = (float)bias;
            }
        }
    }

    private static void InputGradientPart(void* state, int part, int parts)
    {
        ConvJob* job = (ConvJob*)state;
        Conv2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Batch, part, parts);
        int plane = g.OutHeight * g.OutWidth;
        for (int b = start; b < end; b++)
        {
            float* dx = job->Dx + (long)b * g.InputSize;
            float* dz = job->Y + (long)b * g.OutputSize;
            new Span<float>(dx, g.InputSize).Clear();
            for (int f = 0; f < g.Filters; f++)
            {
                float* dzf = dz + (long)f * plane;
                float* wf = job->W + (long)f * g.Channels * g.KernelHeight * g.KernelWidth;
                for (int c = 0; c < g.Channels; c++)
                {
                    float* dxc = dx + (long)c * g.Height * g.Width;
                    for (int u = 0; u < g.KernelHeight; u++)
                    {
                        for (int v = 0; v < g.KernelWidth; v++)
                        {
                            float wv = *wf++;
                            (int j0, int j1) = g.Columns(v);
                            for (int i = 0; i < g.OutHeight; i++)
                            {
                                int iy = i * g.Stride + u - g.PadTop;
                                if ((uint)iy < (uint)g.Height)
                                {
                                    float* dxr = dxc + (long)iy * g.Width + (j0 * g.Stride + v - g.PadLeft);
                                    ScatterAddRow(dxr, g.Stride, dzf + (long)i * g.OutWidth + j0, wv, j1 - j0);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>y[j] += w · x[j·stride] for j &lt; n; vectorised when the stride is 1 (the same bits: mul then add per element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAddRow(float* y, float* x, int stride, float w, int n)
    {
        int j = 0;
        if (stride == 1 && Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var wv = new Vector<float>(w);
            for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector.Store(Vector.Load(y + j) + wv * Vector.Load(x + j), y + j);
            }
        }
        for (; j < n; j++)
        {
            y[j] += w * x[(long)j * stride];
        }
    }

    /// <summary>dx[j·stride] += w · dz[j] for j &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScatterAddRow(float* dx, int stride, float* dz, float w, int n)
    {
        if (stride == 1)
        {
            MultiplyAddRow(dx, dz, 1, w, n);
            return;
        }
        for (int j = 0; j < n; j++)
        {
            dx[(long)j * stride] += w * dz[j];
        }
    }

    /// <summary>
    /// dw[k·<paramref name="dwStride"/>] += Σ_j a_k[j] · x[j] for the four rows a_k (<paramref name="aStride"/> apart): the
    /// same operations, in the same order, as four <see cref="DotRow"/> calls, with each load of x shared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotRows4(float* dw, int dwStride, float* a, nint aStride, float* x, int n)
    {
        int j = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (n >= Vector<float>.Count)
        {
            Vector<float> c0 = Vector<float>.Zero, c1 = Vector<float>.Zero, c2 = Vector<float>.Zero, c3 = Vector<float>.Zero;
            for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector<float> xv = Vector.Load(x + j);
                c0 += Vector.Load(a + j) * xv;
                c1 += Vector.Load(a + aStride + j) * xv;
                c2 += Vector.Load(a + 2 * aStride + j) * xv;
                c3 += Vector.Load(a + 3 * aStride + j) * xv;
            }
            (s0, s1, s2, s3) = (Vector.Sum(c0), Vector.Sum(c1), Vector.Sum(c2), Vector.Sum(c3));
        }
        for (; j < n; j++)
        {
            s0 += a[j] * x[j];
            s1 += a[aStride + j] * x[j];
            s2 += a[2 * aStride + j] * x[j];
            s3 += a[3 * aStride + j] * x[j];
        }
        dw[0] += s0;
        dw[dwStride] += s1;
        dw[2 * dwStride] += s2;
        dw[3 * dwStride] += s3;
    }

    /// <summary>Σ_j a[j] · b[j·stride] for j &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotRow(float* a, float* b, int stride, int n)
    {
        int j = 0;
        float sum = 0f;
        if (stride == 1 && Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<float> acc = Vector<float>.Zero;
            for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
            {
                acc += Vector.Load(a + j) * Vector.Load(b + j);
            }
            sum = Vector.Sum(acc);
        }
        for (; j < n; j++)
        {
            sum += a[j] * b[(long)j * stride];
        }
        return sum;
    }

    private static double Sum(float* values, int n)
    {
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += values[k];
        }
        return sum;
    }

    public static partial class Reference
    {
        /// <summary>Scalar twin of <see cref="Kernels.Conv2DForward"/>: the definition, summed over (c, u, v) in order from the bias.</summary>
        public static void Conv2DForward(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch,
            in Conv2DGeometry g, Activation activation, float alpha)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        for (int j = 0; j < g.OutWidth; j++)
                        {
                            float z = bias.IsEmpty ? 0f : bias[f];
                            for (int c = 0; c < g.Channels; c++)
                            {
                                for (int u = 0; u < g.KernelHeight; u++)
                                {
                                    for (int v = 0; v < g.KernelWidth; v++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            z += x[b * g.InputSize + (c * g.Height + iy) * g.Width + ix] * w[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v];
                                        }
                                    }
                                }
                            }
                            y[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j] = Activate(z, activation, alpha);
                        }
                    }
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.Conv2DBackwardParameters"/> (overwrites; sums in double).</summary>
        public static void Conv2DBackwardParameters(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, int batch, in Conv2DGeometry g)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                double bias = 0;
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int u = 0; u < g.KernelHeight; u++)
                    {
                        for (int v = 0; v < g.KernelWidth; v++)
                        {
                            double sum = 0;
                            for (int b = 0; b < batch; b++)
                            {
                                for (int i = 0; i < g.OutHeight; i++)
                                {
                                    for (int j = 0; j < g.OutWidth; j++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            sum += (double)dz[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j] * x[b * g.InputSize + (c * g.Height + iy) * g.Width + ix];
                                        }
                                    }
                                }
                            }
                            dw[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v] = (float)sum;
                        }
                    }
                }
                for (int b = 0; b < batch; b++)
                {
                    for (int k = 0; k < g.OutHeight * g.OutWidth; k++)
                    {
                        bias += dz[b * g.OutputSize + f * g.OutHeight * g.OutWidth + k];
                    }
                }
                if (!db.IsEmpty)
                {
                    db[f] = (float)bias;
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.Conv2DBackwardInput"/>: the same scatter, in the same order (overwrites).</summary>
        public static void Conv2DBackwardInput(Span<float> dx, ReadOnlySpan<float> dz, ReadOnlySpan<float> w, int batch, in Conv2DGeometry g)
        {
            dx.Slice(0, batch * g.InputSize).Clear();
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < g.Filters; f++)
                {
                    for (int c = 0; c < g.Channels; c++)
                    {
                        for (int u = 0; u < g.KernelHeight; u++)
                        {
                            for (int v = 0; v < g.KernelWidth; v++)
                            {
                                float wv = w[((f * g.Channels + c) * g.KernelHeight + u) * g.KernelWidth + v];
                                for (int i = 0; i < g.OutHeight; i++)
                                {
                                    for (int j = 0; j < g.OutWidth; j++)
                                    {
                                        int iy = i * g.Stride + u - g.PadTop, ix = j * g.Stride + v - g.PadLeft;
                                        if (iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width)
                                        {
                                            dx[b * g.InputSize + (c * g.Height + iy) * g.Width + ix] += wv * dz[b * g.OutputSize + (f * g.OutHeight + i) * g.OutWidth + j];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
