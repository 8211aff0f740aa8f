using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static GenNet.OptimMath;

namespace GenNet;

/// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum, in the PyTorch formulation.</summary>
/// <remarks>
/// <para>Without momentum: p ← p − lr·g. No state.</para>
/// <para>With momentum μ &gt; 0 (velocity v, zero at the start, so the first step sets v = g):
/// v ← μ·v + g, then p ← p − lr·v.</para>
/// <para>Nesterov (μ &gt; 0 required): v ← μ·v + g, then p ← p − lr·(g + μ·v), using the updated v.</para>
/// <para>This is PyTorch's <c>torch.optim.SGD</c> with <c>dampening = 0</c> and <c>weight_decay = 0</c>. The
/// learning rate multiplies the update rather than being folded into v (as Keras and Sutskever et al. do), so a
/// learning-rate schedule rescales the whole step at once. <see cref="Optimizer.State"/> is v (empty without
/// momentum). Each element is updated in one pass: load g and v, update v, update p.</para>
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <inheritdoc/>
    public override string Name => Nesterov ? "nesterov" : Momentum != 0f ? "momentum" : "sgd";

    /// <summary>Default step size, 0.01 (as Keras's SGD).</summary>
    public const float DefaultLearningRate = 0.01f;

    private readonly float[] _velocity;
    private float _negLr; // −lr of the current step, set once by BeginStep

    /// <summary>Creates SGD for an arena of <paramref name="parameterCount"/> floats.</summary>
    /// <param name="parameterCount">Length of the parameter and gradient arenas; at least 1.</param>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="momentum">μ; finite and at least 0. 0 means plain SGD with no state.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs <paramref name="momentum"/> &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="parameterCount"/> is below 1 or needs more state than one array holds, or a hyperparameter is
    /// outside its range (the message names it and the range), or <paramref name="nesterov"/> is
    /// true with a momentum of 0.
    /// </exception>
    public Sgd(int parameterCount, float learningRate = DefaultLearningRate, float momentum = 0f, bool nesterov = false)
        : base(parameterCount, learningRate)
    {
        Guard.FiniteNonNegative(momentum);
        if (nesterov && momentum == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "momentum must be greater than 0 when nesterov is true (Nesterov momentum needs a momentum).");
        }
        if (momentum > 0f)
        {
            Guard.FitsInArray(parameterCount, parameterCount);
        }
        Momentum = momentum;
        Nesterov = nesterov;
        _velocity = momentum > 0f ? new float[parameterCount] : [];
    }

    /// <summary>μ, the velocity's decay per step; 0 for plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>Whether the step looks ahead along the updated velocity (PyTorch's <c>nesterov=True</c>).</summary>
    public bool Nesterov { get; }

    /// <summary>The velocity v, one float per parameter; empty without momentum.</summary>
    public override Span<float> State => _velocity;

    /// <inheritdoc/>
    protected override void BeginStep() => _negLr = -LearningRate;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
    {
        if (Momentum == 0f)
        {
            UpdatePlain(parameters, gradients, _negLr);
        }
        else if (Nesterov)
        {
            UpdateMomentum<NesterovStep>(parameters, gradients, _velocity.AsSpan(start, parameters.Length), Momentum, _negLr);
        }
        else
        {
            UpdateMomentum<HeavyBallStep>(parameters, gradients, _velocity.AsSpan(start, parameters.Length), Momentum, _negLr);
        }
    }

    // p ← p − lr·g
    private static void UpdatePlain(Span<float> parameters, ReadOnlySpan<float> gradients, float negLr)
    {
        int n = parameters.Length;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int i = 0;
        if (UseVectors(n))
        {
            var vNegLr = new Vector<float>(negLr);
            int last = n - Vector<float>.Count;
            do
            {
                var pi = Vector.LoadUnsafe(ref p, (nuint)i);
                var gi = Vector.LoadUnsafe(ref g, (nuint)i);
                Vector.StoreUnsafe(MulAdd(vNegLr, gi, pi), ref p, (nuint)i);
                i += Vector<float>.Count;
            }
            while (i <= last);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref p, i) = MulAdd(negLr, Unsafe.Add(ref g, i), Unsafe.Add(ref p, i));
        }
    }

    // v ← μ·v + g; p ← p − lr·d, where d is v (heavy ball) or g + μ·v (Nesterov).
    private static void UpdateMomentum<TStep>(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float mu, float negLr)
        where TStep : struct, IMomentumDirection
    {
        int n = parameters.Length;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v = ref MemoryMarshal.GetReference(velocity);
        int i = 0;
        if (UseVectors(n))
        {
            var vMu = new Vector<float>(mu);
            var vNegLr = new Vector<float>(negLr);
            int last = n - Vector<float>.Count;
            do
            {
                var gi = Vector.LoadUnsafe(ref g, (nuint)i);
                var vi = MulAdd(vMu, Vector.LoadUnsafe(ref v, (nuint)i), gi);
                var pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector.StoreUnsafe(vi, ref v, (nuint)i);
                Vector.StoreUnsafe(MulAdd(vNegLr, TStep.Direction(vMu, vi, gi), pi), ref p, (nuint)i);
                i += Vector<float>.Count;
            }
            while (i <= last);
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float vi = MulAdd(mu, Unsafe.Add(ref v, i), gi);
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref p, i) = MulAdd(negLr, TStep.Direction(mu, vi, gi), Unsafe.Add(ref p, i));
        }
    }

    /// <summary>The direction d in p ← p − lr·d, given the already-updated velocity.</summary>
    private interface IMomentumDirection
    {
        static abstract float Direction(float mu, float v, float g);
        static abstract Vector<float> Direction(Vector<float> mu, Vector<float> v, Vector<float> g);
    }

    private readonly struct HeavyBallStep : IMomentumDirection
    {
        public static float Direction(float mu, float v, float g) => v;
        public static Vector<float> Direction(Vector<float> mu, Vector<float> v, Vector<float> g) => v;
    }

    private readonly struct NesterovStep : IMomentumDirection
    {
        public static float Direction(float mu, float v, float g) => MulAdd(mu, v, g);
        public static Vector<float> Direction(Vector<float> mu, Vector<float> v, Vector<float> g) => MulAdd(mu, v, g);
    }
}
