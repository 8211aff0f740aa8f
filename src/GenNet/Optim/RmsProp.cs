using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static GenNet.OptimMath;

namespace GenNet;

/// <summary>RMSprop in the Keras form (no momentum, not centered): divide the gradient by a running RMS of past gradients.</summary>
/// <remarks>
/// <para>s ← ρ·s + (1 − ρ)·g², then p ← p − lr·g / √(s + ε). s starts at zero.</para>
/// <para>ε sits <em>inside</em> the square root, as in Keras's <c>keras.optimizers.RMSprop.update_step</c> (which
/// divides by <c>sqrt(velocity + epsilon)</c>) and TensorFlow's <c>ApplyRMSProp</c> kernel; PyTorch instead adds ε
/// after the root, √s + ε. With the Keras default ε = 1e-7 the floor on the denominator is therefore √1e-7 ≈ 3.2e-4,
/// not 1e-7. Defaults are Keras's: lr 1e-3, ρ 0.9, ε 1e-7. <see cref="Optimizer.State"/> is s.</para>
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <summary>Default step size, 1e-3 (Keras).</summary>
    public const float DefaultLearningRate = 1e-3f;
    /// <summary>Default ρ, 0.9 (Keras).</summary>
    public const float DefaultRho = 0.9f;
    /// <summary>Default ε, 1e-7 (Keras).</summary>
    public const float DefaultEpsilon = 1e-7f;

    private readonly float[] _meanSquare;
    private float _negLr; // −lr of the current step, set once by BeginStep

    /// <summary>Creates RMSprop for an arena of <paramref name="parameterCount"/> floats.</summary>
    /// <param name="parameterCount">Length of the parameter and gradient arenas; at least 1.</param>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="rho">ρ, the decay of the mean square; at least 0 and less than 1.</param>
    /// <param name="epsilon">ε, added to the mean square under the root; finite and greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="parameterCount"/> is below 1 or needs more state than one array holds, or a hyperparameter is
    /// outside its range (the message names it and the range).
    /// </exception>
    public RmsProp(int parameterCount, float learningRate = DefaultLearningRate, float rho = DefaultRho, float epsilon = DefaultEpsilon)
        : base(parameterCount, learningRate)
    {
        Guard.FitsInArray(parameterCount, parameterCount);
        Guard.UnitInterval(rho);
        Guard.FinitePositive(epsilon);
        Rho = rho;
        Epsilon = epsilon;
        _meanSquare = new float[parameterCount];
    }

    /// <summary>ρ, the per-step decay of the running mean square.</summary>
    public float Rho { get; }

    /// <summary>ε, added to the mean square inside the square root.</summary>
    public float Epsilon { get; }

    /// <summary>The running mean square s, one float per parameter.</summary>
    public override Span<float> State => _meanSquare;

    /// <inheritdoc/>
    protected override void BeginStep() => _negLr = -LearningRate;

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
    {
        int n = parameters.Length;
        float rho = Rho, oneMinusRho = 1f - Rho, eps = Epsilon, negLr = _negLr;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float s = ref MemoryMarshal.GetReference(_meanSquare.AsSpan(start, n));
        int i = 0;
        if (UseVectors(n))
        {
            var vRho = new Vector<float>(rho);
            var vOneMinusRho = new Vector<float>(oneMinusRho);
            var vEps = new Vector<float>(eps);
            var vNegLr = new Vector<float>(negLr);
            int last = n - Vector<float>.Count;
            do
            {
                var gi = Vector.LoadUnsafe(ref g, (nuint)i);
                var si = MulAdd(vOneMinusRho * gi, gi, vRho * Vector.LoadUnsafe(ref s, (nuint)i));
                var pi = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector.StoreUnsafe(si, ref s, (nuint)i);
                Vector.StoreUnsafe(MulAdd(vNegLr, gi / Vector.SquareRoot(si + vEps), pi), ref p, (nuint)i);
                i += Vector<float>.Count;
            }
            while (i <= last);
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float si = MulAdd(oneMinusRho * gi, gi, rho * Unsafe.Add(ref s, i));
            Unsafe.Add(ref s, i) = si;
            Unsafe.Add(ref p, i) = MulAdd(negLr, gi / MathF.Sqrt(si + eps), Unsafe.Add(ref p, i));
        }
    }
}
