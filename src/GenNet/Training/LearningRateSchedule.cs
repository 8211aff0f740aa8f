namespace GenNet;

/// <summary>
/// A learning rate as a function of the optimizer step (0 for the first step). Call <see cref="Apply"/> before each
/// <c>TrainStep</c>; schedules hold no mutable state, so a resumed run follows the same rates.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for the step with 0-based index <paramref name="step"/>.</summary>
    public abstract float At(long step);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate for its next step.</summary>
    public void Apply(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = At(optimizer.Steps);
    }

    private protected static void CheckStep(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
    }
}

/// <summary>Step decay: lr = initial · gamma^⌊step / stepSize⌋.</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    public StepDecaySchedule(float initial, long stepSize, float gamma)
    {
        Guard.FinitePositive(initial);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be greater than 0 and at most 1.");
        }
        (Initial, StepSize, Gamma) = (initial, stepSize, gamma);
    }

    /// <summary>Rate of the first steps.</summary>
    public float Initial { get; }
    /// <summary>Steps between two decays.</summary>
    public long StepSize { get; }
    /// <summary>Factor applied at each decay.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float At(long step)
    {
        CheckStep(step);
        // Floored at 1e-30: after very many decays the rate would underflow to 0, which no optimizer accepts.
        return (float)Math.Max(Initial * Math.Pow(Gamma, step / StepSize), 1e-30);
    }
}

/// <summary>
/// Cosine annealing: lr = minimum + (initial − minimum)·(1 + cos(π·t / totalSteps)) / 2 with t = min(step, totalSteps − 1),
/// so the last scheduled step still has a positive rate even when <c>minimum</c> is 0.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Anneals from <paramref name="initial"/> towards <paramref name="minimum"/> over <paramref name="totalSteps"/>.</summary>
    public CosineSchedule(float initial, long totalSteps, float minimum = 0f)
    {
        Guard.FinitePositive(initial);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        Guard.FiniteNonNegative(minimum);
        if (minimum > initial)
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, $"minimum must not exceed initial ({initial}).");
        }
        (Initial, TotalSteps, Minimum) = (initial, totalSteps, minimum);
    }

    /// <summary>Rate of the first step.</summary>
    public float Initial { get; }
    /// <summary>Length of the annealing.</summary>
    public long TotalSteps { get; }
    /// <summary>Rate approached at the end.</summary>
    public float Minimum { get; }

    /// <inheritdoc/>
    public override float At(long step)
    {
        CheckStep(step);
        double t = Math.Min(step, TotalSteps - 1);
        return (float)(Minimum + (Initial - Minimum) * (1 + Math.Cos(Math.PI * t / TotalSteps)) / 2);
    }
}

/// <summary>
/// Linear warm-up: lr = then.At(0) · (step + 1) / warmupSteps for the first <c>warmupSteps</c> steps, then
/// <c>then.At(step − warmupSteps)</c>.
/// </summary>
public sealed class WarmupSchedule : LearningRateSchedule
{
    /// <summary>Ramps up over <paramref name="warmupSteps"/>, then follows <paramref name="then"/>.</summary>
    public WarmupSchedule(long warmupSteps, LearningRateSchedule then)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warmupSteps);
        ArgumentNullException.ThrowIfNull(then);
        (WarmupSteps, Then) = (warmupSteps, then);
    }

    /// <summary>Length of the ramp.</summary>
    public long WarmupSteps { get; }
    /// <summary>The schedule after the ramp.</summary>
    public LearningRateSchedule Then { get; }

    /// <inheritdoc/>
    public override float At(long step)
    {
        CheckStep(step);
        return step < WarmupSteps ? Then.At(0) * (step + 1) / WarmupSteps : Then.At(step - WarmupSteps);
    }
}

/// <summary>A constant rate, for uniform handling in trainers.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Always <paramref name="rate"/>.</summary>
    public ConstantSchedule(float rate)
    {
        Guard.FinitePositive(rate);
        Rate = rate;
    }

    /// <summary>The rate.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    public override float At(long step)
    {
        CheckStep(step);
        return Rate;
    }
}
