using System.Runtime.Intrinsics.X86;

namespace GenNet.Data;

/// <summary>
/// Hands out a <see cref="Dataset"/> (or <see cref="LabeledImages"/>) in shuffled mini-batches, copying each batch's
/// inputs and labels or targets into buffers allocated once at construction. Nothing allocates after the constructor.
/// </summary>
/// <remarks>
/// <para>Use one loop per epoch: <c>while (sampler.TryNextBatch(out var x, out var y, out int n)) { … }</c>. The
/// first call of an epoch resets the index array to 0..Count-1 and shuffles it with <see cref="Rng.Shuffle"/>
/// (Fisher–Yates); the call after the epoch's last batch returns <c>false</c>, and the call after that begins the
/// next epoch. Every sample appears exactly once per epoch.</para>
/// <para>When <c>Count</c> is not a multiple of the batch size, the epoch's last batch is smaller (its size comes
/// back in <c>count</c>, and the spans are that long); with <c>dropLast</c> it is skipped instead.</para>
/// <para>The copy is bound by memory latency (each row is a random ~3 KB read out of a set far larger than the
/// caches), so on x86 it asks for the rows a few places ahead with software prefetches.</para>
/// <para>Because each epoch's permutation is a function of the generator's state before its shuffle alone,
/// <see cref="GetState"/> / <see cref="Restore"/> resume mid-epoch exactly. That holds when nothing else draws from
/// the same <see cref="Rng"/> between epochs, so give the sampler its own generator.</para>
/// </remarks>
public sealed class BatchSampler
{
    /// <summary>How many rows ahead of the one being copied <see cref="Gather"/> prefetches.</summary>
    /// <remarks>
    /// Measured on MNIST (Zen 4, batch 128): anything from 2 to 16 rows roughly halves the copy in isolation, and 2 to
    /// 8 did equally well inside a training epoch (~86 → ~58 µs a batch there, where the weights have pushed the batch
    /// buffer and the page translations out of the caches). 4 sits in the middle.
    /// </remarks>
    private const int PrefetchDistance = 4;

    private readonly Dataset _data;

    /// <summary>The samples this sampler draws from.</summary>
    public Dataset Data => _data;
    private readonly Rng _rng;
    private readonly int[] _order;
    private readonly float[] _inputs;
    private readonly int[] _labels;
    private readonly float[] _targets;
    private RngState _rngBeforeShuffle;
    private int _epoch;
    private int _position;
    private bool _inEpoch;

    /// <summary>Prepares batches of at most <paramref name="batchSize"/> samples drawn in an order set by <paramref name="rng"/>.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per batch, at least 1.</param>
    /// <param name="rng">The generator that shuffles each epoch; best used by the sampler alone (see remarks).</param>
    /// <param name="dropLast">Skip each epoch's final partial batch instead of returning it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="rng"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="batchSize"/> is below 1, <paramref name="data"/> is empty, or <paramref name="dropLast"/> is set
    /// and <paramref name="batchSize"/> exceeds the number of samples.
    /// </exception>
    public BatchSampler(Dataset data, int batchSize, Rng rng, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        Guard.PositiveCount(batchSize);
        Guard.PositiveCount(data.Count, "data.Count");
        if (dropLast && batchSize > data.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"With dropLast, a batch size of {batchSize} larger than the {data.Count} samples would give no batch at all.");
        }
        (_data, _rng, BatchSize, DropLast) = (data, rng, batchSize, dropLast);
        _order = new int[data.Count];
        // A batch never holds more than the whole set, so the buffers need at most Count rows: this also keeps a
        // huge batch size from overflowing batchSize × Features.
        int rows = Math.Min(batchSize, data.Count);
        _inputs = new float[rows * data.Features];
        _labels = data.Labels is null ? [] : new int[rows];
        _targets = data.Targets is null ? [] : new float[rows * data.TargetWidth];
        _rngBeforeShuffle = rng.Save();
    }

    /// <summary>Largest number of samples in one batch.</summary>
    public int BatchSize { get; }
    /// <summary>Whether each epoch's final partial batch is skipped.</summary>
    public bool DropLast { get; }
    /// <summary>Number of samples in the data set.</summary>
    public int Count => _order.Length;
    /// <summary>Batches per epoch: <c>ceil(Count / BatchSize)</c>, or <c>floor</c> with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;
    /// <summary>Number of epochs begun: 0 before the first batch, 1 during the first epoch, and so on.</summary>
    public int Epoch => _epoch;
    /// <summary>Samples of the current epoch already handed out.</summary>
    public int Position => _position;
    /// <summary>The current epoch's order of sample indices (identity before the first epoch).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>
    /// Copies the next batch of the current epoch (beginning a new epoch first if the last one ended) into the
    /// sampler's buffers. The spans stay valid until the next call.
    /// </summary>
    /// <param name="inputs">Row-major <c>[count × Features]</c> inputs.</param>
    /// <param name="labels">The <c>count</c> labels (empty for a regression set).</param>
    /// <param name="count">Samples in this batch: <see cref="BatchSize"/>, or fewer for the last batch of an epoch.</param>
    /// <returns><c>false</c> (with empty spans) once the epoch is exhausted.</returns>
    public bool TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out int count)
        => TryNextBatch(out inputs, out labels, out count, null);

    /// <summary>
    /// <see cref="TryNextBatch(out ReadOnlySpan{float}, out ReadOnlySpan{int}, out int)"/>, with the copy split over
    /// <paramref name="workers"/> (the network's own <see cref="INetwork.Workers"/>) when the batch is large enough.
    /// </summary>
    /// <remarks>
    /// Splitting halves the copy's time, and each thread then holds the rows it copied in its own cache. With one
    /// thread copying the whole batch, the other read all of it (400 KB for MNIST) from the first core's cache in the
    /// first layer's product.
    /// </remarks>
    /// <exception cref="ObjectDisposedException"><paramref name="workers"/> is disposed.</exception>
    public bool TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out int count, WorkerPool? workers)
        => TryNextBatch(out inputs, out labels, out _, out count, workers);

    /// <summary>
    /// The next batch of any data set: <paramref name="labels"/> for a classification set, <paramref name="targets"/>
    /// (row-major <c>[count × TargetWidth]</c>) for a regression set; the other span is empty. Otherwise as
    /// <see cref="TryNextBatch(out ReadOnlySpan{float}, out ReadOnlySpan{int}, out int, WorkerPool?)"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="workers"/> is disposed.</exception>
    public bool TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out ReadOnlySpan<float> targets, out int count, WorkerPool? workers)
    {
        if (workers is not null)
        {
            ObjectDisposedException.ThrowIf(workers.IsDisposed, workers);
        }
        if (!_inEpoch)
        {
            BeginEpoch();
        }

        int remaining = Count - _position;
        count = Math.Min(BatchSize, remaining);
        if (count == 0 || (DropLast && count < BatchSize))
        {
            _inEpoch = false;
            _position = Count;
            _rngBeforeShuffle = _rng.Save();
            inputs = default;
            labels = default;
            targets = default;
            count = 0;
            return false;
        }

        Gather(_order.AsSpan(_position, count), workers);
        _position += count;

        inputs = _inputs.AsSpan(0, count * _data.Features);
        labels = _labels.Length == 0 ? default : _labels.AsSpan(0, count);
        targets = _targets.Length == 0 ? default : _targets.AsSpan(0, count * _data.TargetWidth);
        return true;
    }

    /// <summary>The sampler's position, for a checkpoint.</summary>
    public SamplerState GetState() => new(_epoch, _position, _inEpoch, _inEpoch ? _rngBeforeShuffle : _rng.Save());

    /// <summary>
    /// Goes back to a position taken by <see cref="GetState"/> (on this sampler or one built over the same data
    /// with the same batch size): restores the generator and, mid-epoch, rebuilds that epoch's permutation.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The state cannot come from a sampler over this data (negative epoch or position, a position past the end, in an
    /// epoch before the first), or its generator state is all zeros.
    /// </exception>
    public void Restore(SamplerState state)
    {
        if (state.Epoch < 0 || state.Position < 0 || state.Position > Count || (state.InEpoch && state.Epoch == 0))
        {
            throw new ArgumentException($"Sampler state {state} does not fit a data set of {Count} samples.", nameof(state));
        }
        _rng.Restore(state.Rng);
        _rngBeforeShuffle = state.Rng;
        if (state.InEpoch)
        {
            Shuffle();
        }
        (_epoch, _position, _inEpoch) = (state.Epoch, state.Position, state.InEpoch);
    }

    /// <summary>Copies the rows and labels or targets of <paramref name="indices"/> into the front of the batch buffers.</summary>
    /// <remarks>
    /// Each row lands in a random place of a set much larger than the caches, and the hardware prefetcher only catches
    /// on within a row, so a plain copy waits on DRAM latency for every row (~7 GB/s). Before copying row i, this
    /// requests every cache line of row i + <see cref="PrefetchDistance"/> into L2 (<c>prefetcht1</c>; into L1 with
    /// <c>prefetcht0</c> measured almost no gain, presumably because L1's fewer miss buffers fill up), so several rows'
    /// misses overlap: about twice as fast. A prefetch is only a hint and never faults. The copy goes through pointers
    /// (the parts run on other threads): every index comes from this sampler's own permutation of 0…Count−1, and
    /// <see cref="Dataset"/> holds exactly Count × Features inputs, so every row read is in bounds.
    /// </remarks>
    private unsafe void Gather(ReadOnlySpan<int> indices, WorkerPool? workers)
    {
        int features = _data.Features;
        if (_data.Labels is { } allLabels)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                _labels[i] = allLabels[indices[i]];
            }
        }
        if (_data.Targets is { } allTargets)
        {
            int width = _data.TargetWidth;
            for (int i = 0; i < indices.Length; i++)
            {
                allTargets.AsSpan(indices[i] * width, width).CopyTo(_targets.AsSpan(i * width));
            }
        }
        // Below ≈ 16k floats (64 KB) a copy takes a few µs, about what handing half of it to a worker costs.
        int parts = workers is null || (long)indices.Length * features < ParallelMinFloats ? 1 : Math.Min(workers.ThreadCount, indices.Length);
        fixed (float* source = _data.Inputs)
        fixed (float* destination = _inputs)
        fixed (int* order = indices)
        {
            var job = new GatherJob { Source = source, Destination = destination, Indices = order, Count = indices.Length, Features = features };
            if (parts == 1)
            {
                GatherPart(&job, 0, 1);
            }
            else
            {
                workers!.Run(&GatherPart, &job, parts);
            }
        }
    }

    private const long ParallelMinFloats = 1 << 14;

    /// <summary>One batch copy, described by pointers into arrays the caller keeps pinned until it returns.</summary>
    private unsafe struct GatherJob
    {
        public float* Source;
        public float* Destination;
        public int* Indices;
        public int Count;
        public int Features;
    }

    /// <summary>Copies part <paramref name="part"/> of <paramref name="parts"/> of the batch's rows (a contiguous range).</summary>
    private static unsafe void GatherPart(void* state, int part, int parts)
    {
        GatherJob* job = (GatherJob*)state;
        int features = job->Features;
        int first = (int)((long)job->Count * part / parts), end = (int)((long)job->Count * (part + 1) / parts);
        int* indices = job->Indices;
        if (Sse.IsSupported)
        {
            for (int i = first; i < Math.Min(first + PrefetchDistance, end); i++)
            {
                PrefetchRow(job->Source + (nint)indices[i] * features, features);
            }
        }
        for (int i = first; i < end; i++)
        {
            if (Sse.IsSupported && i + PrefetchDistance < end)
            {
                PrefetchRow(job->Source + (nint)indices[i + PrefetchDistance] * features, features);
            }
            new ReadOnlySpan<float>(job->Source + (nint)indices[i] * features, features)
                .CopyTo(new Span<float>(job->Destination + (nint)i * features, features));
        }
    }

    /// <summary>Asks for every cache line that <c>row[0..features)</c> touches to be brought into L2.</summary>
    private static unsafe void PrefetchRow(float* row, int features)
    {
        // From the line holding the first float to the one holding the last: rows need not start on a line.
        const nuint Line = 64;
        nuint last = (nuint)(row + features) - 1;
        for (nuint line = (nuint)row & ~(Line - 1); line <= last; line += Line)
        {
            Sse.Prefetch1((void*)line);
        }
    }

    private void BeginEpoch()
    {
        _rngBeforeShuffle = _rng.Save();
        Shuffle();
        _epoch++;
        _position = 0;
        _inEpoch = true;
    }

    private void Shuffle()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }
        _rng.Shuffle(_order);
    }
}
