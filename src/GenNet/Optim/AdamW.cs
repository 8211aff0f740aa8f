namespace GenNet;

/// <summary>AdamW (Loshchilov &amp; Hutter): Adam with weight decay decoupled from the gradient, as PyTorch's AdamW.</summary>
/// <remarks>
/// <para>At step t: p ← p − lr·wd·p (that is, p ← (1 − lr·wd)·p), then the <see cref="Adam"/> update
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr·m̂ / (√v̂ + ε), with m̂ = m / (1 − β1ᵗ) and
/// v̂ = v / (1 − β2ᵗ). Both happen in one fused pass over the arena.</para>
/// <para>The decay is applied to every float in the arena, biases included (the arena carries no per-slice
/// flags). The decay multiplies by the current learning rate, as in PyTorch, so a schedule scales it too;
/// lr·wd is expected to be well below 1. Defaults: lr 1e-3, β1 0.9, β2 0.999, ε 1e-8, wd 0.01 (PyTorch).
/// With wd = 0 the result is bit-identical to <see cref="Adam"/>. <see cref="Optimizer.State"/> is m then v.</para>
/// </remarks>
public sealed class AdamW : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "adamw";

    /// <summary>Default step size, 1e-3.</summary>
    public const float DefaultLearningRate = 1e-3f;
    /// <summary>Default decoupled weight decay, 0.01 (PyTorch's AdamW).</summary>
    public const float DefaultWeightDecay = 0.01f;

    private readonly float[] _state;
    // The current step's coefficients, set once by BeginStep.
    private float _stepSize;
    private float _invSqrtBc2;
    private float _decay;

    /// <summary>Creates AdamW for an arena of <paramref name="parameterCount"/> floats.</summary>
    /// <param name="parameterCount">Length of the parameter and gradient arenas; at least 1.</param>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="beta1">β1, the decay of the first moment; at least 0 and less than 1.</param>
    /// <param name="beta2">β2, the decay of the second moment; at least 0 and less than 1.</param>
    /// <param name="epsilon">ε, added to √v̂; finite and greater than 0.</param>
    /// <param name="weightDecay">wd, the decoupled weight decay; finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="parameterCount"/> is below 1 or needs more state than one array holds, or a hyperparameter is
    /// outside its range (the message names it and the range).
    /// </exception>
    public AdamW(int parameterCount, float learningRate = DefaultLearningRate, float beta1 = Adam.DefaultBeta1,
        float beta2 = Adam.DefaultBeta2, float epsilon = Adam.DefaultEpsilon, float weightDecay = DefaultWeightDecay)
        : base(parameterCount, learningRate)
    {
        Guard.FitsInArray(parameterCount, 2L * parameterCount); // m and v share one state array
        Guard.UnitInterval(beta1);
        Guard.UnitInterval(beta2);
        Guard.FinitePositive(epsilon);
        Guard.FiniteNonNegative(weightDecay);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _state = new float[2 * (long)parameterCount];
    }

    /// <summary>β1, the per-step decay of the first moment m.</summary>
    public float Beta1 { get; }

    /// <summary>β2, the per-step decay of the second moment v.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the bias-corrected √v̂.</summary>
    public float Epsilon { get; }

    /// <summary>wd: each step multiplies the parameters by 1 − lr·wd before the Adam update.</summary>
    public float WeightDecay { get; }

    /// <summary>m then v, each <see cref="Optimizer.ParameterCount"/> floats.</summary>
    public override Span<float> State => _state;

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        float lr = LearningRate;
        (_stepSize, _invSqrtBc2) = AdamUpdate.Coefficients(lr, Beta1, Beta2, Steps);
        _decay = (float)(1.0 - ((double)lr * WeightDecay));
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
    {
        int n = parameters.Length;
        AdamUpdate.Run(parameters, gradients, _state.AsSpan(start, n), _state.AsSpan(ParameterCount + start, n),
            Beta1, Beta2, Epsilon, _stepSize, _invSqrtBc2, _decay);
    }
}
