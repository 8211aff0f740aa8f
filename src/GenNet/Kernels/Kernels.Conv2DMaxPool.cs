namespace GenNet;

// A convolution and the max pooling after it, forward in one pass: each sample's convolution output is computed into a
// per-thread scratch and pooled from there while it is in cache, and while training the pooling records each window's
// winner (its offset in the plane) for the backward pass (MaxPool2DBackwardFromWinners), which therefore never reads
// the convolution's output either. That output is never written to memory: for MnistConvNet's first layer it is 11 MB
// per batch of 128, which the separate passes wrote, read back to pool, and read again to find the winners going
// backward (MnistConvNet's TrainStep 28.0–29.4 → 25.9–26.6 ms on one Zen 4 core). A single sample on several threads
// splits its filters, so that each thread pools the planes it computed.
public static unsafe partial class Kernels
{
    /// <summary>
    /// y = max-pool(conv(x)) with the pooling <paramref name="pool"/> over the output of the convolution
    /// <paramref name="g"/> (a generated layer <typeparamref name="TLayer"/>, its bias and activation), and winners[window]
    /// = the offset of the window's first largest value in its plane, as a float, unless <paramref name="winners"/> is
    /// empty (inference, which has no backward pass: recording them cost 1.8 µs of one MNIST image's 10 µs first layer).
    /// </summary>
    /// <remarks>This method effectively computes <see cref="Conv2DForward{TLayer}"/> into a temporary and then
    /// <see cref="MaxPool2DForward"/> on it, with the same bits.</remarks>
    /// <exception cref="ArgumentException">A span is too short, or <paramref name="pool"/> does not pool the convolution's output.</exception>
    public static void Conv2DMaxPoolForward<TLayer>(Span<float> y, Span<float> winners, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> bias, int batch, in Conv2DGeometry g, in Pool2DGeometry pool, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckForwardLayer<TLayer>(g, bias);
        CheckPooling(g, pool);
        g.Check(batch, x.Length, batch * g.OutputSize, w.Length, bias.Length, nameof(x), nameof(y));
        pool.Check(batch, batch * pool.InputSize, y.Length, nameof(x), nameof(y));
        if (!winners.IsEmpty)
        {
            Guard.Rows(winners.Length, batch, pool.OutputSize, nameof(winners));
        }
        fixed (float* py = y, pwin = winners, px = x, pw = w, pb = bias)
        {
            var poolJob = new PoolJob(pool, py, null, null, batch * pool.Channels, winners: pwin);
            var job = new ConvJob(g, null, px, pw, bias.IsEmpty ? null : pb, null, batch, winograd: WinogradWeightsOf<TLayer>(pw, g));
            int sampleParts = workers is null || batch >= workers.ThreadCount || SimdHelpers.Width == 0 ? 1 : ForwardSplits(g, workers.ThreadCount);
            if (sampleParts > 1)
            {
                // Fewer samples than threads (a single-image Forward): each sample's filters split over the threads,
                // each thread pooling the planes it computed.
                for (int b = 0; b < batch; b++)
                {
                    var samplePool = new PoolJob(pool, py + (long)b * pool.OutputSize, null, null, pool.Channels, winners: pwin == null ? null : pwin + (long)b * pool.OutputSize);
                    var sample = new PooledConvJob(new ConvJob(g, null, px + (long)b * g.InputSize, pw, job.Bias, null, 1, winograd: job.Winograd), &samplePool);
                    workers!.Run(&PooledSplitPart<TLayer>, &sample, sampleParts);
                }
            }
            else
            {
                var fused = new PooledConvJob(job, &poolJob);
                Split(&PooledForwardPart<TLayer>, &fused.Conv, batch, workers);
            }
        }
    }

    /// <summary>
    /// dw, db of the convolution <paramref name="g"/> (a generated layer <typeparamref name="TLayer"/> with no activation
    /// or ReLU) from the gradient <paramref name="dPooled"/> of the max pooling <paramref name="pool"/> after it, given
    /// that pooling's output <paramref name="pooled"/> and the winners <see cref="Conv2DMaxPoolForward"/> recorded. For a
    /// first layer, whose input needs no gradient: each sample's dz is built in a per-thread scratch just before its
    /// product reads it, and never stored (MnistConvNet's first convolution: 11 MB per batch of 128, which the separate
    /// passes wrote, read back to transpose and read again for the bias).
    /// </summary>
    /// <remarks>This method effectively computes <see cref="MaxPool2DBackwardFromWinners"/> (with the layer's activation)
    /// into a temporary dz and then <see cref="Conv2DBackwardParameters{TLayer}"/> from it, with the same bits.</remarks>
    /// <exception cref="ArgumentException">A span is too short, <paramref name="pool"/> does not pool the convolution's
    /// output, the layer's activation is neither None nor ReLU, or a winner lies outside its window.</exception>
    public static void Conv2DBackwardParametersFromWinners<TLayer>(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dPooled,
        ReadOnlySpan<float> pooled, ReadOnlySpan<float> winners, int batch, in Conv2DGeometry g, in Pool2DGeometry pool, WorkerPool? workers = null)
        where TLayer : struct, IDenseLayerKernels
    {
        CheckLayer<TLayer>(g);
        CheckWinnersActivation(TLayer.Activation);
        CheckPooling(g, pool);
        g.Check(batch, x.Length, batch * g.OutputSize, dw.Length, db.Length, nameof(x), "dz");
        pool.Check(batch, batch * pool.InputSize, dPooled.Length, "dz", nameof(dPooled));
        Guard.Rows(pooled.Length, batch, pool.OutputSize, nameof(pooled));
        Guard.Rows(winners.Length, batch, pool.OutputSize, nameof(winners));
        if (SimdHelpers.Width == 0)
        {
            // The scalar path: the pooling's backward pass into a scratch, then the reference weight gradient.
            var dz = new Span<float>(ConvOutput.Get((nint)batch * g.OutputSize), batch * g.OutputSize);
            MaxPool2DBackwardFromWinners(dz, dPooled, pooled, winners, batch, pool, workers, TLayer.Activation);
            Reference.Conv2DBackwardParameters(dw, db, x, dz, batch, g);
            return;
        }
        fixed (float* pdw = dw, pdb = db, px = x, pdy = dPooled, py = pooled, pwin = winners)
        {
            // Y is the pooled gradient, X the pooled output (whose sign gives ReLU′), as MaxPool2DBackwardFromWinners has them.
            var fromWinners = new WinnersGradient(new PoolJob(pool, pdy, py, null, batch * pool.Channels, TLayer.Activation, 0f, pwin),
                db.IsEmpty ? null : PlaneSumsScratch.Get((nint)batch * g.Filters));
            var job = new ConvJob(g, null, px, pdw, db.IsEmpty ? null : pdb, null, batch, &fromWinners);
            BackwardParameters<TLayer>(&job, workers);
        }
    }

    /// <summary>The checks that <paramref name="pool"/> pools the output of <paramref name="g"/> and that its winners'
    /// offsets are exact floats.</summary>
    private static void CheckPooling(in Conv2DGeometry g, in Pool2DGeometry pool)
    {
        if (pool.Channels != g.Filters || pool.Height != g.OutHeight || pool.Width != g.OutWidth)
        {
            throw new ArgumentException($"{pool} does not pool the output of {g}.", nameof(pool));
        }
        CheckWinnerOffsets(pool, nameof(pool));
    }

    /// <summary>Where a convolution's weight gradient takes dz from when a max pooling after it recorded its winners: that
    /// pooling's backward pass (<see cref="Pool"/>: its gradient, output and winners), one sample at a time into the
    /// thread's scratch; <see cref="PlaneSums"/>[b·F + f] receives the sum of plane f of sample b's dz for the bias, or is null.</summary>
    private readonly struct WinnersGradient(PoolJob pool, float* planeSums)
    {
        public readonly PoolJob Pool = pool;
        public readonly float* PlaneSums = planeSums;
    }

    /// <summary>The caller's buffer for the planes' sums of <see cref="Conv2DBackwardParametersFromWinners"/>.</summary>
    private static class PlaneSumsScratch
    {
        public static float* Get(nint floats) => ThreadScratch<PlaneSumsOwner>.Get(floats);
    }

    private struct PlaneSumsOwner;

    /// <summary>Most values a plane may hold for its winners' offsets to be exact floats (2²⁴).</summary>
    public const int MaxWinnerOffset = 1 << 24;

    private static void CheckWinnerOffsets(in Pool2DGeometry pool, string parameter)
    {
        if ((long)pool.Height * pool.Width > MaxWinnerOffset)
        {
            throw new ArgumentException($"Planes of {pool.Height}×{pool.Width} have offsets a float cannot hold exactly.", parameter);
        }
    }

    /// <summary>A convolution job followed by the pooling of its output; <see cref="Conv"/> first, so a pointer to the job
    /// is one to its convolution.</summary>
    private readonly struct PooledConvJob(ConvJob conv, PoolJob* pool)
    {
        public readonly ConvJob Conv = conv;
        public readonly PoolJob* Pool = pool;
    }

    private static void PooledForwardPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        var job = (PooledConvJob*)state;
        (int start, int end) = PartRange(job->Conv.Batch, part, parts);
        if (SimdHelpers.Width == 0)
        {
            // The scalar path: the reference convolution of each sample into the scratch, then the same pooling.
            Conv2DGeometry g = job->Conv.G;
            float* output = ConvOutput.Get(g.OutputSize);
            int taps = g.Channels * g.KernelHeight * g.KernelWidth;
            for (int b = start; b < end; b++)
            {
                Reference.Conv2DForward(new Span<float>(output, g.OutputSize), new ReadOnlySpan<float>(job->Conv.X + (long)b * g.InputSize, g.InputSize),
                    new ReadOnlySpan<float>(job->Conv.W, g.Filters * taps), job->Conv.Bias == null ? default : new ReadOnlySpan<float>(job->Conv.Bias, g.Filters),
                    1, g, TLayer.Activation, TLayer.Alpha);
                PoolSample(job->Pool, output, b, 0, g.Filters);
            }
            return;
        }
        ForwardSamples<TLayer>(&job->Conv, start, end, 0, 1, job->Pool);
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of one sample: its filters' planes, pooled.</summary>
    private static void PooledSplitPart<TLayer>(void* state, int part, int parts)
        where TLayer : struct, IDenseLayerKernels
    {
        var job = (PooledConvJob*)state;
        ForwardSamples<TLayer>(&job->Conv, 0, 1, part, parts, job->Pool);
    }

    /// <summary>Max-pools planes [<paramref name="c0"/>, <paramref name="c1"/>) of sample <paramref name="b"/>'s
    /// convolution output (from plane c0 at <paramref name="output"/>) into the job's y and winners.</summary>
    private static void PoolSample(PoolJob* pool, float* output, int b, int c0, int c1)
    {
        Pool2DGeometry p = pool->G;
        int inPlane = p.Height * p.Width, outPlane = p.OutHeight * p.OutWidth;
        long first = (long)b * p.Channels * outPlane;
        for (int c = c0; c < c1; c++)
        {
            float* winners = pool->Winners == null ? null : pool->Winners + first + (long)c * outPlane;
            MaxPoolForwardPlane(pool->Y + first + (long)c * outPlane, output + (long)(c - c0) * inPlane, winners, p);
        }
    }

    /// <summary>Per-thread scratch for one sample's convolution output before it is pooled.</summary>
    private static class ConvOutput
    {
        public static float* Get(nint floats) => ThreadScratch<ConvOutputOwner>.Get(floats);
    }

    private struct ConvOutputOwner;

    public static partial class Reference
    {
        /// <summary>Scalar twin of <see cref="Kernels.Conv2DMaxPoolForward{TLayer}"/>: the reference convolution, then the
        /// reference pooling, and each window's first largest offset.</summary>
        public static void Conv2DMaxPoolForward(Span<float> y, Span<float> winners, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
            int batch, in Conv2DGeometry g, in Pool2DGeometry pool, Activation activation, float alpha)
        {
            var output = new float[batch * g.OutputSize];
            Conv2DForward(output, x, w, bias, batch, g, activation, alpha);
            MaxPool2DForward(y, output, batch, pool);
            Guard.Rows(winners.Length, batch, pool.OutputSize, nameof(winners));
            for (int plane = 0; plane < batch * pool.Channels; plane++)
            {
                ReadOnlySpan<float> xp = output.AsSpan(plane * pool.Height * pool.Width, pool.Height * pool.Width);
                for (int i = 0; i < pool.OutHeight; i++)
                {
                    for (int j = 0; j < pool.OutWidth; j++)
                    {
                        winners[(plane * pool.OutHeight + i) * pool.OutWidth + j] = ArgMaxInWindow(xp, pool, i, j);
                    }
                }
            }
        }

        /// <summary>Scalar twin of <see cref="Kernels.Conv2DBackwardParametersFromWinners{TLayer}"/>: the reference
        /// pooling's backward pass from the winners, then the reference weight gradient.</summary>
        public static void Conv2DBackwardParametersFromWinners(Span<float> dw, Span<float> db, ReadOnlySpan<float> x, ReadOnlySpan<float> dPooled,
            ReadOnlySpan<float> pooled, ReadOnlySpan<float> winners, int batch, in Conv2DGeometry g, in Pool2DGeometry pool, Activation activation)
        {
            var dz = new float[batch * g.OutputSize];
            MaxPool2DBackwardFromWinners(dz, dPooled, pooled, winners, batch, pool, activation);
            Conv2DBackwardParameters(dw, db, x, dz, batch, g);
        }
    }
}
