namespace GenNet;

/// <summary>Adam (Kingma &amp; Ba) with bias correction, in the PyTorch formulation.</summary>
/// <remarks>
/// <para>At step t (t = <see cref="Optimizer.Steps"/>, 1 on the first step), with m and v starting at zero:
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; m̂ = m / (1 − β1ᵗ); v̂ = v / (1 − β2ᵗ);
/// p ← p − lr·m̂ / (√v̂ + ε).</para>
/// <para>ε is added to the bias-corrected root √v̂, as in PyTorch's <c>torch.optim.Adam</c> (and Algorithm 1 of the
/// paper), with PyTorch's default ε = 1e-8. Keras instead folds the corrections into the step size and adds its
/// ε = 1e-7 to the uncorrected √v ("epsilon hat"); the two agree except when √v is comparable to ε. PyTorch's form
/// was chosen so that <see cref="Adam"/> and <see cref="AdamW"/> match one reference and
/// <c>new AdamW(n, weightDecay: 0)</c> is bit-identical to <c>new Adam(n)</c>.</para>
/// <para>The bias corrections are computed in double once per step; the update is one fused pass.
/// <see cref="Optimizer.State"/> is m (the first <see cref="Optimizer.ParameterCount"/> floats) then v.</para>
/// </remarks>
public sealed class Adam : Optimizer
{
    /// <inheritdoc/>
    public override string Name => "adam";

    /// <summary>Default step size, 1e-3.</summary>
    public const float DefaultLearningRate = 1e-3f;
    /// <summary>Default β1, 0.9.</summary>
    public const float DefaultBeta1 = 0.9f;
    /// <summary>Default β2, 0.999.</summary>
    public const float DefaultBeta2 = 0.999f;
    /// <summary>Default ε, 1e-8 (PyTorch).</summary>
    public const float DefaultEpsilon = 1e-8f;

    private readonly float[] _state;
    // The current step's coefficients, set once by BeginStep.
    private float _stepSize;
    private float _invSqrtBc2;

    /// <summary>Creates Adam for an arena of <paramref name="parameterCount"/> floats.</summary>
    /// <param name="parameterCount">Length of the parameter and gradient arenas; at least 1.</param>
    /// <param name="learningRate">Step size; finite and greater than 0.</param>
    /// <param name="beta1">β1, the decay of the first moment; at least 0 and less than 1.</param>
    /// <param name="beta2">β2, the decay of the second moment; at least 0 and less than 1.</param>
    /// <param name="epsilon">ε, added to √v̂; finite and greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="parameterCount"/> is below 1 or needs more state than one array holds, or a hyperparameter is
    /// outside its range (the message names it and the range).
    /// </exception>
    public Adam(int parameterCount, float learningRate = DefaultLearningRate, float beta1 = DefaultBeta1,
        float beta2 = DefaultBeta2, float epsilon = DefaultEpsilon)
        : base(parameterCount, learningRate)
    {
        Guard.FitsInArray(parameterCount, 2L * parameterCount); // m and v share one state array
        Guard.UnitInterval(beta1);
        Guard.UnitInterval(beta2);
        Guard.FinitePositive(epsilon);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _state = new float[2 * (long)parameterCount];
    }

    /// <summary>β1, the per-step decay of the first moment m.</summary>
    public float Beta1 { get; }

    /// <summary>β2, the per-step decay of the second moment v.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the bias-corrected √v̂.</summary>
    public float Epsilon { get; }

    /// <summary>m then v, each <see cref="Optimizer.ParameterCount"/> floats.</summary>
    public override Span<float> State => _state;

    /// <inheritdoc/>
    protected override void BeginStep()
        => (_stepSize, _invSqrtBc2) = AdamUpdate.Coefficients(LearningRate, Beta1, Beta2, Steps);

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
    {
        int n = parameters.Length;
        AdamUpdate.Run(parameters, gradients, _state.AsSpan(start, n), _state.AsSpan(ParameterCount + start, n),
            Beta1, Beta2, Epsilon, _stepSize, _invSqrtBc2, decay: 1f);
    }
}
