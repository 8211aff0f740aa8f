namespace GenNet;

/// <summary>
/// Updates a flat parameter arena from a gradient arena of the same length. Every optimizer allocates its state
/// once, in its constructor; <see cref="Step"/> allocates nothing.
/// </summary>
public abstract class Optimizer
{
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

    /// <summary>parameters ← update(parameters, gradients, state).</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="parameters"/> or <paramref name="gradients"/> is not exactly <see cref="ParameterCount"/> long;
    /// nothing is changed then.
    /// </exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != ParameterCount || gradients.Length != ParameterCount)
        {
            throw new ArgumentException(
                $"{GetType().Name} was created for {ParameterCount} parameters; got {parameters.Length} parameters and {gradients.Length} gradients.");
        }
        Steps++;
        Update(parameters, gradients);
    }

    /// <summary>The update itself; lengths are already checked and <see cref="Steps"/> already counts this step.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>The optimizer's state arena (empty for plain SGD), for checkpoints.</summary>
    public virtual Span<float> State => Span<float>.Empty;

    /// <summary>Restores <see cref="Steps"/> from a checkpoint (the state arena is restored through <see cref="State"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    public void RestoreSteps(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Steps = steps;
    }
}
