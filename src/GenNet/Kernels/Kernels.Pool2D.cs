using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GenNet;

/// <summary>The sizes of one 2-D pooling, all known when the network is generated.</summary>
/// <param name="Channels">C.</param>
/// <param name="Height">H: input rows.</param>
/// <param name="Width">W: input columns.</param>
/// <param name="Window">Window height and width.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="OutHeight">OH = ⌊(H − window) / stride⌋ + 1.</param>
/// <param name="OutWidth">OW = ⌊(W − window) / stride⌋ + 1.</param>
public readonly record struct Pool2DGeometry(int Channels, int Height, int Width, int Window, int Stride, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample, C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample, C·OH·OW.</summary>
    public int OutputSize => Channels * OutHeight * OutWidth;

    internal void Check(int batch, int x, int y, string xName, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (Channels < 1 || Window < 1 || Stride < 1 || OutHeight < 1 || OutWidth < 1
            || (OutHeight - 1L) * Stride + Window > Height || (OutWidth - 1L) * Stride + Window > Width
            || (long)Channels * Height * Width > int.MaxValue)
        {
            throw new ArgumentException($"Not a pooling: {this}.", nameof(Pool2DGeometry));
        }
        Guard.Rows(x, batch, InputSize, xName);
        Guard.Rows(y, batch, OutputSize, yName);
    }
}

// Pooling over CHW samples: memory-bound, so max pooling is a pointer loop over planes (the span loops it replaced took
// ≈ 25% of an MnistConvNet training step, bounds checks and all), split over the worker pool by planes, which are
// independent: the same bits for any thread count. Its scalar twins (Reference.MaxPool2DForward, MaxPool2DBackward)
// are the span loops, and agree bit for bit. Max pooling's backward pass finds each window's first largest value again
// from the input rather than storing its position, so it needs no state between the passes.
public static unsafe partial class Kernels
{
    /// <summary>y[b, c, i, j] = max over the window at (i·S, j·S) of x[b, c, ·, ·]; a NaN never wins against a number.</summary>
    /// <remarks>This method effectively computes <see cref="Reference.MaxPool2DForward"/>, planes split over
    /// <paramref name="workers"/>.</remarks>
    public static void MaxPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g, WorkerPool? workers = null)
    {
        g.Check(batch, x.Length, y.Length, nameof(x), nameof(y));
        fixed (float* py = y, px = x)
        {
            var job = new PoolJob(g, py, px, null, batch * g.Channels);
            SplitPlanes(&MaxPoolForwardPart, &job, workers);
        }
    }

    /// <summary>dx = 0, then dx[first argmax of each window] += dy[window] (overlapping windows add up); overwrites.
    /// With <paramref name="inputActivation"/>, x is that activation's output and dx is then multiplied by its derivative,
    /// as <see cref="ActivationBackward"/>(dx, x, <paramref name="inputActivation"/>, <paramref name="alpha"/>) would,
    /// plane by plane while the plane is in cache.</summary>
    /// <remarks>This method effectively computes <see cref="Reference.MaxPool2DBackward"/> (then ActivationBackward),
    /// planes split over <paramref name="workers"/>. Fused, the derivative costs no pass of its own over the batch: a
    /// convolution's act′ was a serial pass over its whole output (0.5 ms of MnistConvNet's 23 ms step on 1 thread).</remarks>
    public static void MaxPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g, WorkerPool? workers = null,
        Activation inputActivation = Activation.None, float alpha = 0f)
    {
        g.Check(batch, x.Length, dy.Length, nameof(x), nameof(dy));
        Guard.Rows(dx.Length, batch, g.InputSize, nameof(dx));
        fixed (float* pdx = dx, pdy = dy, px = x)
        {
            var job = new PoolJob(g, pdy, px, pdx, batch * g.Channels, inputActivation, alpha);
            SplitPlanes(&MaxPoolBackwardPart, &job, workers);
        }
    }

    /// <summary>The backward pass of a max pooling whose forward pass recorded its winners (<see cref="Conv2DMaxPoolForward"/>):
    /// dx = 0, then dx[winner of each window] += dy[window] (overlapping windows add up), then, with
    /// <paramref name="inputActivation"/> ReLU, each winner's gradient times ReLU′ of its value, which is the window's
    /// output y; overwrites. The bits of <see cref="MaxPool2DBackward"/> on the input the winners were found in: every
    /// element that won nothing is +0 there too (0 · ReLU′ = +0), and ReLU′ ∈ {0, 1} may be applied once per window won.</summary>
    /// <remarks>This method effectively computes <see cref="Reference.MaxPool2DBackwardFromWinners"/>, planes split over
    /// <paramref name="workers"/>. Only None and ReLU: another activation's derivative at an element that won nothing
    /// needs that element's value, which the winners do not keep.</remarks>
    /// <exception cref="ArgumentException">A span is too short, or the activation is neither None nor ReLU.</exception>
    public static void MaxPool2DBackwardFromWinners(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, ReadOnlySpan<float> winners, int batch,
        in Pool2DGeometry g, WorkerPool? workers = null, Activation inputActivation = Activation.None)
    {
        CheckWinnersActivation(inputActivation);
        g.Check(batch, dx.Length, dy.Length, nameof(dx), nameof(dy));
        Guard.Rows(y.Length, batch, g.OutputSize, nameof(y));
        Guard.Rows(winners.Length, batch, g.OutputSize, nameof(winners));
        CheckWinnerOffsets(g, nameof(g));
        fixed (float* pdx = dx, pdy = dy, py = y, pw = winners)
        {
            // Y is the pooled gradient, X the pooled output (whose sign gives ReLU′).
            var job = new PoolJob(g, pdy, py, pdx, batch * g.Channels, inputActivation, 0f, pw);
            SplitPlanes(&MaxPoolBackwardFromWinnersPart, &job, workers);
        }
    }

    private static void CheckWinnersActivation(Activation activation)
    {
        if (activation is not (Activation.None or Activation.ReLU))
        {
            throw new ArgumentException($"Pooling from recorded winners applies no {activation}′: only None and ReLU.", nameof(activation));
        }
    }

    private static void MaxPoolBackwardFromWinnersPart(void* state, int part, int parts)
    {
        PoolJob* job = (PoolJob*)state;
        Pool2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Planes, part, parts);
        int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        bool relu = job->InputActivation == Activation.ReLU;
        // 2×2 windows at stride 2 do not overlap: each writes its four values, and only where they leave a row or column
        // uncovered (an odd size) does the plane need clearing first.
        bool twoByTwo = g.Window == 2 && g.Stride == 2 && Sse.IsSupported;
        if (!(twoByTwo && TilesPlane(g)))
        {
            new Span<float>(job->Dx + (long)start * inPlane, (end - start) * inPlane).Clear();
        }
        for (int plane = start; plane < end; plane++)
        {
            float* dxp = job->Dx + (long)plane * inPlane;
            float* dyp = job->Y + (long)plane * outPlane, yp = job->X + (long)plane * outPlane, won = job->Winners + (long)plane * outPlane;
            if (twoByTwo)
            {
                WinnersBackward2x2(dxp, dyp, yp, won, g, relu);
                continue;
            }
            for (int i = 0, k = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, k++)
                {
                    dxp[WinnerIn(won[k], g, i, j)] += dyp[k];
                }
            }
            if (relu)
            {
                for (int k = 0; k < outPlane; k++)
                {
                    dxp[(nint)won[k]] *= yp[k] > 0f ? 1f : 0f;
                }
            }
        }
    }

    /// <summary>One plane of 2×2 windows at stride 2: each window's four values written, (0 + dy)·ReLU′ at the winner and
    /// +0 elsewhere, four windows at a time (the stores of <see cref="MaxPool2x2BackwardPlane"/>).</summary>
    private static void WinnersBackward2x2(float* dxp, float* dyp, float* yp, float* won, in Pool2DGeometry g, bool relu)
    {
        int width = g.Width;
        Vector128<float> right = Vector128<float>.One, below = Vector128.Create((float)width), diagonal = below + right;
        Vector128<float> lanes = Vector128.Create(0f, 2f, 4f, 6f);
        for (int i = 0; i < g.OutHeight; i++)
        {
            nint row = (nint)i * g.OutWidth;
            int j = 0;
            // The last four windows overlap the four before when the count is not a multiple of 4, as in
            // MaxPool2x2ForwardPlane: each window's four values are then written twice, the same both times.
            for (; g.OutWidth >= 4; j = Math.Min(j + 4, g.OutWidth - 4))
            {
                nint corner = (nint)i * 2 * width + 2 * j;
                Vector128<float> g4 = Vector128.Load(dyp + row + j) + Vector128<float>.Zero;
                if (relu)
                {
                    g4 *= Vector128.GreaterThan(Vector128.Load(yp + row + j), Vector128<float>.Zero) & Vector128<float>.One;
                }
                Vector128<float> at = Vector128.Load(won + row + j) - (lanes + Vector128.Create((float)corner));
                Vector128<float> ta = Vector128.Equals(at, Vector128<float>.Zero), tb = Vector128.Equals(at, right);
                Vector128<float> tc = Vector128.Equals(at, below), td = Vector128.Equals(at, diagonal);
                if ((ta | tb | tc | td).AsUInt32() != Vector128<uint>.AllBitsSet)
                {
                    ThrowWinnerOutsideWindow();
                }
                Vector128<float> ga = g4 & ta, gb = g4 & tb, gc = g4 & tc, gd = g4 & td;
                float* row0 = dxp + corner, row1 = row0 + width;
                Sse.UnpackLow(ga, gb).Store(row0);
                Sse.UnpackHigh(ga, gb).Store(row0 + 4);
                Sse.UnpackLow(gc, gd).Store(row1);
                Sse.UnpackHigh(gc, gd).Store(row1 + 4);
                if (j == g.OutWidth - 4)
                {
                    j = g.OutWidth;
                    break;
                }
            }
            for (nint corner = (nint)i * 2 * width + 2 * j; j < g.OutWidth; j++, corner += 2)
            {
                float value = 0f + dyp[row + j];
                if (relu)
                {
                    value *= yp[row + j] > 0f ? 1f : 0f;
                }
                // Compared as floats, as the vector loop does: a NaN or a fraction must not truncate into the window.
                float offset = won[row + j] - corner;
                if (offset != 0f && offset != 1f && offset != width && offset != width + 1)
                {
                    ThrowWinnerOutsideWindow();
                }
                nint at = (nint)offset;
                dxp[corner] = 0f;
                dxp[corner + 1] = 0f;
                dxp[corner + width] = 0f;
                dxp[corner + width + 1] = 0f;
                dxp[corner + at] = value;
            }
        }
    }

    /// <summary>
    /// Sample <paramref name="sample"/>'s planes of the job's backward pass from winners, written transposed:
    /// dzt[p·C + c] = what <see cref="MaxPool2DBackwardFromWinners"/> writes at position p of plane c (the same bits), for a
    /// weight gradient that reads dz by positions (Kernels.Conv2DBackwardParametersFromWinners). 2×2 windows at stride 2
    /// with Vector256 and C a multiple of 8 take each window's gradients and winners for 8 channels at a time from
    /// transposed copies in <paramref name="scratch"/> (3 · <see cref="TransposedWinnersScratch"/> floats) and store four
    /// rows of 8 channels each; other poolings add each window's gradient at its winner one value at a time.
    /// </summary>
    private static void WinnersBackwardTransposed(PoolJob* job, int sample, float* dzt, float* scratch)
    {
        Pool2DGeometry g = job->G;
        int channels = g.Channels, width = g.Width, outPlane = g.OutHeight * g.OutWidth, windows = channels * outPlane;
        long first = (long)sample * windows;
        float* dy = job->Y + first, y = job->X + first, won = job->Winners + first;
        bool relu = job->InputActivation == Activation.ReLU;
        if (g.Window == 2 && g.Stride == 2 && Vector256.IsHardwareAccelerated && channels % Vector256<float>.Count == 0)
        {
            // Each window's gradient, (0 + dy)·ReLU′ as WinnersBackward2x2 takes it, then it and the winners by windows.
            nint part = TransposedWinnersScratch(g);
            float* gradients = scratch, byWindow = scratch + part, winners = byWindow + part;
            int k = 0;
            for (; k <= windows - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                Vector256<float> value = Vector256.Load(dy + k) + Vector256<float>.Zero;
                if (relu)
                {
                    value *= Vector256.GreaterThan(Vector256.Load(y + k), Vector256<float>.Zero) & Vector256<float>.One;
                }
                value.Store(gradients + k);
            }
            for (; k < windows; k++)
            {
                float value = 0f + dy[k];
                if (relu)
                {
                    value *= y[k] > 0f ? 1f : 0f;
                }
                gradients[k] = value;
            }
            TransposeInto(byWindow, gradients, channels, outPlane);
            TransposeInto(winners, won, channels, outPlane);
            if (!TilesPlane(g))
            {
                new Span<float>(dzt, channels * g.Height * width).Clear();
            }
            Vector256<float> right = Vector256<float>.One, below = Vector256.Create((float)width), diagonal = below + right;
            nint rowStride = (nint)width * channels;
            for (int i = 0, window = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, window++)
                {
                    nint corner = (nint)i * 2 * width + 2 * j;
                    Vector256<float> at = Vector256.Create((float)corner);
                    float* top = dzt + corner * channels, bottom = top + rowStride;
                    for (int c = 0; c < channels; c += Vector256<float>.Count)
                    {
                        Vector256<float> value = Vector256.Load(byWindow + (nint)window * channels + c);
                        Vector256<float> d = Vector256.Load(winners + (nint)window * channels + c) - at;
                        Vector256<float> ta = Vector256.Equals(d, Vector256<float>.Zero), tb = Vector256.Equals(d, right);
                        Vector256<float> tc = Vector256.Equals(d, below), td = Vector256.Equals(d, diagonal);
                        if ((ta | tb | tc | td).AsUInt32() != Vector256<uint>.AllBitsSet)
                        {
                            ThrowWinnerOutsideWindow();
                        }
                        (value & ta).Store(top + c);
                        (value & tb).Store(top + channels + c);
                        (value & tc).Store(bottom + c);
                        (value & td).Store(bottom + channels + c);
                    }
                }
            }
            return;
        }
        new Span<float>(dzt, channels * g.Height * width).Clear();
        for (int c = 0; c < channels; c++)
        {
            float* dyp = dy + (long)c * outPlane, yp = y + (long)c * outPlane, wonp = won + (long)c * outPlane;
            for (int i = 0, k = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++, k++)
                {
                    dzt[WinnerIn(wonp[k], g, i, j) * channels + c] += dyp[k];
                }
            }
            if (relu)
            {
                for (int k = 0; k < outPlane; k++)
                {
                    dzt[(nint)wonp[k] * channels + c] *= yp[k] > 0f ? 1f : 0f;
                }
            }
        }
    }

    /// <summary>Floats of each of the three buffers <see cref="WinnersBackwardTransposed"/> uses for one sample.</summary>
    private static nint TransposedWinnersScratch(in Pool2DGeometry g) => Lines((long)g.Channels * g.OutHeight * g.OutWidth);

    /// <summary>The recorded winner of window (<paramref name="i"/>, <paramref name="j"/>) as an index into its plane,
    /// checked to lie in that window: winners come from <see cref="Conv2DMaxPoolForward"/>, but this kernel is public,
    /// and a wrong one must not write outside dx.</summary>
    private static nint WinnerIn(float winner, in Pool2DGeometry g, int i, int j)
    {
        nint at = (nint)winner;
        nint row = at / g.Width - (nint)i * g.Stride, column = at % g.Width - (nint)j * g.Stride;
        if (winner != at || at < 0 || (nuint)row >= (nuint)g.Window || (nuint)column >= (nuint)g.Window)
        {
            ThrowWinnerOutsideWindow();
        }
        return at;
    }

    private static void ThrowWinnerOutsideWindow() =>
        throw new ArgumentException("A winner is not an offset in its window: winners must come from Conv2DMaxPoolForward.", "winners");

    private readonly struct PoolJob(Pool2DGeometry g, float* y, float* x, float* dx, int planes, Activation inputActivation = Activation.None, float alpha = 0f,
        float* winners = null)
    {
        public readonly Pool2DGeometry G = g;
        public readonly float* Y = y, X = x, Dx = dx, Winners = winners;
        public readonly int Planes = planes;
        public readonly Activation InputActivation = inputActivation;
        public readonly float Alpha = alpha;
    }

    /// <summary>Planes per part below which a second thread costs more than it saves (≈ 2k floats a plane for MNIST's first pooling).</summary>
    private const int PoolMinFloatsPerPart = 1 << 14;

    private static void SplitPlanes(delegate*<void*, int, int, void> body, PoolJob* job, WorkerPool? workers)
    {
        long floats = (long)job->Planes * job->G.Height * job->G.Width;
        int parts = workers is null ? 1 : (int)Math.Min(workers.ThreadCount, Math.Max(1, floats / PoolMinFloatsPerPart));
        if (parts <= 1)
        {
            body(job, 0, 1);
        }
        else
        {
            workers!.Run(body, job, parts);
        }
    }

    private static void MaxPoolForwardPart(void* state, int part, int parts)
    {
        PoolJob* job = (PoolJob*)state;
        Pool2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Planes, part, parts);
        int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        for (int plane = start; plane < end; plane++)
        {
            MaxPoolForwardPlane(job->Y + (long)plane * outPlane, job->X + (long)plane * inPlane, null, g);
        }
    }

    /// <summary>One plane of max pooling: yp = each window's first largest value of xp, and when <paramref name="winners"/>
    /// is not null, winners = that value's offset in xp, as a float (exact: a plane holds fewer than 2²⁴ values).</summary>
    private static void MaxPoolForwardPlane(float* yp, float* xp, float* winners, in Pool2DGeometry g)
    {
        if (g.Window == 2)
        {
            MaxPool2x2ForwardPlane(yp, xp, winners, g);
            return;
        }
        for (int i = 0; i < g.OutHeight; i++)
        {
            for (int j = 0; j < g.OutWidth; j++)
            {
                int at = ArgMaxInWindow(xp, g.Width, g.Window, i * g.Stride, j * g.Stride);
                yp[i * g.OutWidth + j] = xp[at];
                if (winners != null)
                {
                    winners[i * g.OutWidth + j] = at;
                }
            }
        }
    }

    private static void MaxPoolBackwardPart(void* state, int part, int parts)
    {
        PoolJob* job = (PoolJob*)state;
        Pool2DGeometry g = job->G;
        (int start, int end) = PartRange(job->Planes, part, parts);
        int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
        // 2×2 windows at stride 2 that tile the plane exactly (MnistConvNet's first pooling, 26×26) write every element
        // of it, 0 where a window's value lost, so the plane needs no clearing first: 11 MB less to write per batch.
        bool tiles = TilesPlane(g);
        if (!tiles)
        {
            new Span<float>(job->Dx + (long)start * inPlane, (end - start) * inPlane).Clear();
        }
        for (int plane = start; plane < end; plane++)
        {
            float* xp = job->X + (long)plane * inPlane;
            float* dxp = job->Dx + (long)plane * inPlane;
            float* dyp = job->Y + (long)plane * outPlane;
            if (g.Window == 2)
            {
                MaxPool2x2BackwardPlane(dxp, dyp, xp, g, tiles);
            }
            else
            {
                for (int i = 0; i < g.OutHeight; i++)
                {
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        dxp[ArgMaxInWindow(xp, g.Width, g.Window, i * g.Stride, j * g.Stride)] += dyp[i * g.OutWidth + j];
                    }
                }
            }
            // After every window has added to the plane (overlapping ones too): the same multiply per element as a
            // separate pass, so the same bits.
            if (job->InputActivation != Activation.None)
            {
                ActivationBackward(new Span<float>(dxp, inPlane), new ReadOnlySpan<float>(xp, inPlane), job->InputActivation, job->Alpha);
            }
        }
    }

    /// <summary>One plane of a 2×2 max pooling (any stride): <see cref="ArgMaxInWindow"/> unrolled over the four values, in
    /// the same order with the same comparisons (the general loop ran at ≈ 15–30 cycles per window on MnistConvNet), and
    /// the winners' offsets when <paramref name="winners"/> is not null.</summary>
    private static void MaxPool2x2ForwardPlane(float* yp, float* xp, float* winners, in Pool2DGeometry g)
    {
        int width = g.Width, stride = g.Stride;
        bool vector = stride == 2 && Sse.IsSupported;
        Vector128<float> right = Vector128<float>.One, below = Vector128.Create((float)width), diagonal = below + right;
        Vector128<float> lanes = Vector128.Create(0f, 2f, 4f, 6f);
        for (int i = 0; i < g.OutHeight; i++)
        {
            nint corner = (nint)i * stride * width;
            float* top = xp + corner;
            float* y = yp + (nint)i * g.OutWidth;
            float* won = winners == null ? null : winners + (nint)i * g.OutWidth;
            int j = 0;
            if (vector && g.OutWidth >= 8 && Avx2.IsSupported)
            {
                MaxPool2x2Row8(y, top, won, width, corner, g.OutWidth);
                continue;
            }
            if (vector && g.OutWidth >= 4)
            {
                // Four windows at a time, branch-free: the even and odd columns of both rows, compared in the scalar order.
                // A row's last four windows end it, overlapping the four before when the count is not a multiple of 4
                // (they are written again with the same values): the scalar tail's data-dependent branches cost as
                // much as the rest of a 13-window row.
                for (; ; j = Math.Min(j + 4, g.OutWidth - 4))
                {
                    top = xp + corner + 2 * j;
                    (Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) = Windows4(top, width);
                    Vector128<float> best = a;
                    Vector128<float> tb = Takes(b, best);
                    best = Vector128.ConditionalSelect(tb, b, best);
                    Vector128<float> tc = Takes(c, best);
                    best = Vector128.ConditionalSelect(tc, c, best);
                    Vector128<float> td = Takes(d, best);
                    best = Vector128.ConditionalSelect(td, d, best);
                    best.Store(y + j);
                    if (won != null)
                    {
                        // The last value that took over: its offset from the window's corner, plus the corner's.
                        Vector128<float> at = right & tb;
                        at = Vector128.ConditionalSelect(tc, below, at);
                        at = Vector128.ConditionalSelect(td, diagonal, at);
                        (at + lanes + Vector128.Create((float)(corner + 2 * j))).Store(won + j);
                    }
                    if (j == g.OutWidth - 4)
                    {
                        break;
                    }
                }
                continue;
            }
            for (; j < g.OutWidth; j++, top += stride)
            {
                (float best, nint at) = FirstLargest2x2(top, width);
                y[j] = best;
                if (won != null)
                {
                    won[j] = corner + (nint)j * stride + at;
                }
            }
        }
    }

    /// <summary>
    /// One row of <paramref name="count"/> (≥ 8) 2×2 windows at stride 2, eight at a time with Vector256, the last eight
    /// overlapping the eight before: the comparisons of the four-window loop in <see cref="MaxPool2x2ForwardPlane"/> (the
    /// same bits), half the iterations (MnistConvNet's 13-window rows: 2 instead of 4). In-lane shuffles put the windows
    /// in the order 0, 1, 4, 5 | 2, 3, 6, 7, and one cross-lane permute of each result puts them back.
    /// </summary>
    private static void MaxPool2x2Row8(float* y, float* top, float* won, int width, nint corner, int count)
    {
        Vector256<float> right = Vector256<float>.One, below = Vector256.Create((float)width), diagonal = below + right;
        Vector256<float> lanes = Vector256.Create(0f, 2f, 4f, 6f, 8f, 10f, 12f, 14f);
        for (int j = 0; ; j = Math.Min(j + 8, count - 8))
        {
            float* at0 = top + 2 * j;
            Vector256<float> t0 = Avx.LoadVector256(at0), t1 = Avx.LoadVector256(at0 + 8);
            Vector256<float> b0 = Avx.LoadVector256(at0 + width), b1 = Avx.LoadVector256(at0 + width + 8);
            Vector256<float> a = Avx.Shuffle(t0, t1, 0b10_00_10_00), b = Avx.Shuffle(t0, t1, 0b11_01_11_01);
            Vector256<float> c = Avx.Shuffle(b0, b1, 0b10_00_10_00), d = Avx.Shuffle(b0, b1, 0b11_01_11_01);
            Vector256<float> best = a;
            Vector256<float> tb = Takes(b, best);
            best = Vector256.ConditionalSelect(tb, b, best);
            Vector256<float> tc = Takes(c, best);
            best = Vector256.ConditionalSelect(tc, c, best);
            Vector256<float> td = Takes(d, best);
            best = Vector256.ConditionalSelect(td, d, best);
            InWindowOrder(best).Store(y + j);
            if (won != null)
            {
                Vector256<float> at = right & tb;
                at = Vector256.ConditionalSelect(tc, below, at);
                at = Vector256.ConditionalSelect(td, diagonal, at);
                (InWindowOrder(at) + lanes + Vector256.Create((float)(corner + 2 * j))).Store(won + j);
            }
            if (j == count - 8)
            {
                return;
            }
        }
    }

    /// <summary>Windows 0, 1, 4, 5 | 2, 3, 6, 7 (the in-lane shuffles' order) back to 0…7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> InWindowOrder(Vector256<float> v) => Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>Lane-wise <see cref="Take"/> for eight windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Takes(Vector256<float> value, Vector256<float> best) =>
        Vector256.GreaterThan(value, best) | ~Vector256.Equals(best, best);

    /// <summary>The backward twin of <see cref="MaxPool2x2ForwardPlane"/>: dxp (cleared by the caller) += dy at each window's
    /// first largest value.</summary>
    private static void MaxPool2x2BackwardPlane(float* dxp, float* dyp, float* xp, in Pool2DGeometry g, bool tiles)
    {
        int width = g.Width, stride = g.Stride;
        bool vector = stride == 2 && Sse.IsSupported;
        for (int i = 0; i < g.OutHeight; i++)
        {
            nint corner = (nint)i * stride * width;
            float* dy = dyp + (nint)i * g.OutWidth;
            int j = 0;
            if (vector)
            {
                for (; j <= g.OutWidth - 4; j += 4, corner += 8)
                {
                    (Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) = Windows4(xp + corner, width);
                    Vector128<float> best = a;
                    Vector128<float> tb = Takes(b, best);
                    best = Vector128.ConditionalSelect(tb, b, best);
                    Vector128<float> tc = Takes(c, best);
                    best = Vector128.ConditionalSelect(tc, c, best);
                    Vector128<float> td = Takes(d, best);
                    // The winner is the last value that took over; each gets dy there and 0 elsewhere, added to the
                    // cleared dx (0 + dy, as the scalar +=, so a −0 gradient lands as +0).
                    Vector128<float> g4 = Vector128.Load(dy + j);
                    Vector128<float> ga = Vector128.AndNot(g4, tb | tc | td) + Vector128<float>.Zero;
                    Vector128<float> gb = Vector128.AndNot(g4 & tb, tc | td) + Vector128<float>.Zero;
                    Vector128<float> gc = Vector128.AndNot(g4 & tc, td) + Vector128<float>.Zero;
                    Vector128<float> gd = (g4 & td) + Vector128<float>.Zero;
                    float* row0 = dxp + corner, row1 = row0 + width;
                    Sse.UnpackLow(ga, gb).Store(row0);
                    Sse.UnpackHigh(ga, gb).Store(row0 + 4);
                    Sse.UnpackLow(gc, gd).Store(row1);
                    Sse.UnpackHigh(gc, gd).Store(row1 + 4);
                }
            }
            for (; j < g.OutWidth; j++, corner += stride)
            {
                nint at = FirstLargest2x2(xp + corner, width).At;
                if (tiles)
                {
                    // dxp is not cleared: the window's four values are written here, 0 + dy at the winner as the += gives.
                    dxp[corner] = 0f;
                    dxp[corner + 1] = 0f;
                    dxp[corner + width] = 0f;
                    dxp[corner + width + 1] = 0f;
                    dxp[corner + at] = 0f + dy[j];
                }
                else
                {
                    dxp[corner + at] += dy[j];
                }
            }
        }
    }

    /// <summary>The first largest of a 2×2 window's values (<see cref="Take"/>'s order) and its offset from the corner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Best, nint At) FirstLargest2x2(float* top, int width)
    {
        float best = top[0];
        nint at = 0;
        bool take = Take(top[1], best);
        (best, at) = take ? (top[1], 1) : (best, at);
        take = Take(top[width], best);
        (best, at) = take ? (top[width], width) : (best, at);
        take = Take(top[width + 1], best);
        return take ? (top[width + 1], width + 1) : (best, at);
    }

    /// <summary>Whether 2×2 windows at stride 2 cover every element of a plane exactly once (even height and width).</summary>
    private static bool TilesPlane(in Pool2DGeometry g) =>
        g.Window == 2 && g.Stride == 2 && g.Height == 2 * g.OutHeight && g.Width == 2 * g.OutWidth;

    /// <summary>The four values of four adjacent 2×2 windows (stride 2) from their top-left corner: top-left, top-right,
    /// bottom-left, bottom-right, each a vector over the windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Windows4(float* top, int width)
    {
        Vector128<float> t0 = Vector128.Load(top), t1 = Vector128.Load(top + 4);
        Vector128<float> b0 = Vector128.Load(top + width), b1 = Vector128.Load(top + width + 4);
        return (Sse.Shuffle(t0, t1, 0b10_00_10_00), Sse.Shuffle(t0, t1, 0b11_01_11_01),
            Sse.Shuffle(b0, b1, 0b10_00_10_00), Sse.Shuffle(b0, b1, 0b11_01_11_01));
    }

    /// <summary>Lane-wise <see cref="Take"/>: all ones where <paramref name="value"/> replaces <paramref name="best"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Takes(Vector128<float> value, Vector128<float> best) =>
        Vector128.GreaterThan(value, best) | ~Vector128.Equals(best, best);

    /// <summary>Whether <paramref name="value"/> replaces <paramref name="best"/> as a window's first largest: it is larger,
    /// or the best so far is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Take(float value, float best) => (value > best) | float.IsNaN(best);

    /// <summary>The index of the first largest value of the window at (<paramref name="top"/>, <paramref name="left"/>) of
    /// <paramref name="plane"/>, in row-major order; a NaN loses to any number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ArgMaxInWindow(float* plane, int width, int window, int top, int left)
    {
        int best = top * width + left;
        float bestValue = plane[best];
        for (int u = 0; u < window; u++)
        {
            int row = (top + u) * width + left;
            for (int v = 0; v < window; v++)
            {
                // Without branches: on real data the comparison goes either way at random, and a branch cost ≈ 15
                // cycles per miss, several per window (the loop ran at ≈ 110 cycles per window with one).
                float value = plane[row + v];
                bool take = (value > bestValue) | float.IsNaN(bestValue);
                best = take ? row + v : best;
                bestValue = take ? value : bestValue;
            }
        }
        return best;
    }

    /// <summary>y[b, c, i, j] = the mean of the window at (i·S, j·S) of x[b, c, ·, ·].</summary>
    public static void AvgPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, x.Length, y.Length, nameof(x), nameof(y));
        float scale = 1f / (g.Window * g.Window);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            Span<float> yp = y.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    float sum = 0f;
                    for (int u = 0; u < g.Window; u++)
                    {
                        for (int v = 0; v < g.Window; v++)
                        {
                            sum += xp[(i * g.Stride + u) * g.Width + j * g.Stride + v];
                        }
                    }
                    yp[i * g.OutWidth + j] = sum * scale;
                }
            }
        }
    }

    /// <summary>dx = 0, then every value of each window += dy[window] / window²; overwrites.</summary>
    public static void AvgPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, dx.Length, dy.Length, nameof(dx), nameof(dy));
        dx.Slice(0, batch * g.InputSize).Clear();
        float scale = 1f / (g.Window * g.Window);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            Span<float> dxp = dx.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            ReadOnlySpan<float> dyp = dy.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    float share = dyp[i * g.OutWidth + j] * scale;
                    for (int u = 0; u < g.Window; u++)
                    {
                        for (int v = 0; v < g.Window; v++)
                        {
                            dxp[(i * g.Stride + u) * g.Width + j * g.Stride + v] += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>y[b, c] = the mean of x[b, c, ·, ·] over its <paramref name="planeSize"/> values.</summary>
    public static void GlobalAvgPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, int channels, int planeSize)
    {
        Guard.Rows(x.Length, batch, channels * planeSize, nameof(x));
        Guard.Rows(y.Length, batch, channels, nameof(y));
        for (int k = 0; k < batch * channels; k++)
        {
            float sum = 0f;
            foreach (float value in x.Slice(k * planeSize, planeSize))
            {
                sum += value;
            }
            y[k] = sum / planeSize;
        }
    }

    /// <summary>dx[b, c, ·, ·] = dy[b, c] / planeSize; overwrites.</summary>
    public static void GlobalAvgPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, int batch, int channels, int planeSize)
    {
        Guard.Rows(dx.Length, batch, channels * planeSize, nameof(dx));
        Guard.Rows(dy.Length, batch, channels, nameof(dy));
        for (int k = 0; k < batch * channels; k++)
        {
            dx.Slice(k * planeSize, planeSize).Fill(dy[k] / planeSize);
        }
    }
    public static partial class Reference
    {
        /// <summary>Scalar twin of <see cref="Kernels.MaxPool2DForward"/>: the definition over spans.</summary>
        public static void MaxPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
        {
            g.Check(batch, x.Length, y.Length, nameof(x), nameof(y));
            for (int plane = 0; plane < batch * g.Channels; plane++)
            {
                ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
                Span<float> yp = y.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
                for (int i = 0; i < g.OutHeight; i++)
                {
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        yp[i * g.OutWidth + j] = xp[ArgMaxInWindow(xp, g, i, j)];
                    }
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.MaxPool2DBackward"/>.</summary>
        public static void MaxPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
        {
            g.Check(batch, x.Length, dy.Length, nameof(x), nameof(dy));
            Guard.Rows(dx.Length, batch, g.InputSize, nameof(dx));
            dx.Slice(0, batch * g.InputSize).Clear();
            for (int plane = 0; plane < batch * g.Channels; plane++)
            {
                ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
                Span<float> dxp = dx.Slice(plane * g.Height * g.Width, g.Height * g.Width);
                ReadOnlySpan<float> dyp = dy.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
                for (int i = 0; i < g.OutHeight; i++)
                {
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        dxp[ArgMaxInWindow(xp, g, i, j)] += dyp[i * g.OutWidth + j];
                    }
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.MaxPool2DBackwardFromWinners"/>: each window's gradient added at its
        /// recorded winner, then (ReLU) each winner's gradient times ReLU′ of the window's output.</summary>
        public static void MaxPool2DBackwardFromWinners(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> y, ReadOnlySpan<float> winners, int batch,
            in Pool2DGeometry g, Activation inputActivation)
        {
            CheckWinnersActivation(inputActivation);
            g.Check(batch, dx.Length, dy.Length, nameof(dx), nameof(dy));
            Guard.Rows(y.Length, batch, g.OutputSize, nameof(y));
            Guard.Rows(winners.Length, batch, g.OutputSize, nameof(winners));
            dx.Slice(0, batch * g.InputSize).Clear();
            int inPlane = g.Height * g.Width, outPlane = g.OutHeight * g.OutWidth;
            for (int plane = 0; plane < batch * g.Channels; plane++)
            {
                for (int k = 0; k < outPlane; k++)
                {
                    dx[plane * inPlane + (int)winners[plane * outPlane + k]] += dy[plane * outPlane + k];
                }
                for (int k = 0; inputActivation == Activation.ReLU && k < outPlane; k++)
                {
                    dx[plane * inPlane + (int)winners[plane * outPlane + k]] *= y[plane * outPlane + k] > 0f ? 1f : 0f;
                }
            }
        }

        private static int ArgMaxInWindow(ReadOnlySpan<float> plane, in Pool2DGeometry g, int i, int j)
        {
            int best = i * g.Stride * g.Width + j * g.Stride;
            for (int u = 0; u < g.Window; u++)
            {
                int row = (i * g.Stride + u) * g.Width + j * g.Stride;
                for (int v = 0; v < g.Window; v++)
                {
                    if (plane[row + v] > plane[best] || float.IsNaN(plane[best]))
                    {
                        best = row + v;
                    }
                }
            }
            return best;
        }
    }
}
