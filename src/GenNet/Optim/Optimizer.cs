using System.Runtime.CompilerServices;

namespace GenNet;

/// <summary>
/// Updates a flat parameter arena from a gradient arena of the same length. Every optimizer allocates its state
/// once, in its constructor; <see cref="Step(Span{float}, ReadOnlySpan{float})"/> allocates nothing.
/// </summary>
/// <remarks>
/// Every float of the arena is updated from its own parameter, gradient and state elements and from scalars that
/// <see cref="BeginStep"/> computes once per step, so <see cref="Step(Span{float}, ReadOnlySpan{float}, WorkerPool?)"/>
/// can split the arena into contiguous ranges over a <see cref="WorkerPool"/> and still give the same bits for any
/// thread count.
/// </remarks>
public abstract unsafe class Optimizer
{
    /// <summary>
    /// Fewest floats a part of a split step gets, so an arena is split only from 2 × 16 Ki floats up. Handing a part to
    /// a spinning worker and joining it costs ≈ 1 µs; measured 2-way splits break even near 8 Ki floats for RMSprop and
    /// Adam (≈ 0.3 ns per float, bound by the sqrt/div unit: 118 µs for 407,050 floats) and near 16 Ki for plain SGD
    /// (≈ 0.08 ns per float, bound by memory). From 32 Ki floats every one gains (RMSprop 10.1 → 5.5 µs, SGD 2.5 → 1.8 µs).
    /// </summary>
    internal const int MinFloatsPerPart = 16 * 1024;

    /// <summary>Part boundaries fall on multiples of 64 floats (256 bytes), so parts share no cache line of aligned arrays.</summary>
    private const int PartAlignment = 64;

    private float _learningRate;

    /// <summary>Creates an optimizer for an arena of <paramref name="parameterCount"/> floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is below 1, or <paramref name="learningRate"/> is not a finite number above 0.</exception>
    protected Optimizer(int parameterCount, float learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        Guard.FinitePositive(learningRate);
        ParameterCount = parameterCount;
        _learningRate = learningRate;
    }

    /// <summary>The optimizer's kind as <see cref="Optimizers.Create"/> names it (<c>adam</c>, <c>momentum</c>, …); checkpoints store it.</summary>
    public abstract string Name { get; }

    /// <summary>Length of the parameter and gradient arenas this optimizer updates.</summary>
    public int ParameterCount { get; }

    /// <summary>Step size; finite and positive. Schedules change it between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is not a finite number above 0.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            Guard.FinitePositive(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>Number of steps taken so far (Adam's bias correction counts from it).</summary>
    public long Steps { get; protected set; }

    /// <summary>parameters ← update(parameters, gradients, state), on the calling thread.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> or <paramref name="gradients"/> is not exactly <see cref="ParameterCount"/> long;
    /// nothing is changed then.
    /// </exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => Step(parameters, gradients, null);

    /// <summary>
    /// parameters ← update(parameters, gradients, state), split over <paramref name="workers"/> when the arena is
    /// large enough to gain from it; the result has the same bits whatever the thread count.
    /// </summary>
    /// <param name="parameters">The parameter arena, <see cref="ParameterCount"/> floats, updated in place.</param>
    /// <param name="gradients">The gradient arena, <see cref="ParameterCount"/> floats.</param>
    /// <param name="workers">The pool to split the update over (the network's own, for instance), or null to run it on the calling thread.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> or <paramref name="gradients"/> is not exactly <see cref="ParameterCount"/> long;
    /// nothing is changed then.
    /// </exception>
    /// <exception cref="ObjectDisposedException"><paramref name="workers"/> is disposed; nothing is changed then.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="workers"/> is running another call on another thread; nothing is changed then.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, WorkerPool? workers)
    {
        if (parameters.Length != ParameterCount || gradients.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"{GetType().Name} was created for {ParameterCount} parameters; got {parameters.Length} parameters and {gradients.Length} gradients.");
        }
        if (workers is not null)
        {
            // Checked whatever the arena's size, so a disposed pool fails the same way for every network.
            ObjectDisposedException.ThrowIf(workers.IsDisposed, workers);
        }
        Steps++;
        // The step's scalars (learning rate, bias corrections) are computed here, once: every part reads the same values.
        BeginStep();
        int parts = workers is null ? 1 : Math.Clamp(ParameterCount / MinFloatsPerPart, 1, workers.ThreadCount);
        if (parts == 1)
        {
            Update(parameters, gradients, 0);
            return;
        }
        fixed (float* p = parameters)
        fixed (float* g = gradients)
        {
            // The job lives on this stack frame (so the step allocates nothing) until Run returns, after every part.
            var job = new StepJob { Optimizer = this, Parameters = p, Gradients = g, Length = ParameterCount };
            if (!workers!.TryRun(&StepPart, Unsafe.AsPointer(ref job), parts))
            {
                // The pool is busy with a call from another thread and ran no part: undo the count too.
                Steps--;
                throw new InvalidOperationException("The WorkerPool is running a call from another thread; the optimizer step was not taken.");
            }
        }
    }

    /// <summary>
    /// Computes the scalars a step uses (learning rate, bias corrections and the like) from <see cref="LearningRate"/>,
    /// <see cref="Steps"/> (which already counts this step) and the hyperparameters, before the arena is split.
    /// <see cref="Update"/> must read only these, so that every part of a split step uses identical values.
    /// </summary>
    protected virtual void BeginStep()
    {
    }

    /// <summary>
    /// Updates the range [<paramref name="start"/>, <paramref name="start"/> + <paramref name="parameters"/>.Length) of
    /// the arena; lengths are already checked and <see cref="BeginStep"/> has run for this step.
    /// </summary>
    /// <remarks>
    /// A split step calls this concurrently for disjoint ranges, so it may write only the parameters and the state
    /// elements of its own range (state indexed by the same arena position), and every element's bits must not
    /// depend on where the range starts or ends.
    /// </remarks>
    /// <param name="parameters">The parameters of the range.</param>
    /// <param name="gradients">The gradients of the range, as long as <paramref name="parameters"/>.</param>
    /// <param name="start">Position of the range's first float in the whole arena; a multiple of 64.</param>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start);

    /// <summary>The optimizer's state arena (empty for plain SGD), for checkpoints.</summary>
    public virtual Span<float> State => Span<float>.Empty;

    /// <summary>Restores <see cref="Steps"/> from a checkpoint (the state arena is restored through <see cref="State"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    public void RestoreSteps(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Steps = steps;
    }

    /// <summary>One split step: the optimizer and the pinned arenas, read by every part.</summary>
    private struct StepJob
    {
        public Optimizer Optimizer;
        public float* Parameters;
        public float* Gradients;
        public int Length;
    }

    /// <summary>Updates part <paramref name="part"/> of <paramref name="parts"/>: a contiguous range whose bounds are multiples of 64 floats.</summary>
    private static void StepPart(void* state, int part, int parts)
    {
        ref StepJob job = ref Unsafe.AsRef<StepJob>(state);
        long blocks = (job.Length + (long)PartAlignment - 1) / PartAlignment;
        int start = (int)(blocks * part / parts * PartAlignment);
        int end = (int)Math.Min(blocks * (part + 1) / parts * PartAlignment, job.Length);
        if (start < end)
        {
            job.Optimizer.Update(new Span<float>(job.Parameters + start, end - start),
                new ReadOnlySpan<float>(job.Gradients + start, end - start), start);
        }
    }
}
