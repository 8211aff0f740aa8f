namespace GenNet.Training;

/// <summary>
/// Stops training once the validation loss has not improved for <see cref="Patience"/> epochs, and keeps a copy of
/// the parameters of the best epoch so that they can be put back. The copy is allocated once, in the constructor.
/// </summary>
public sealed class EarlyStopping
{
    private readonly float[] _best;

    /// <summary>Watches a network of <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">Length of the network's parameter arena.</param>
    /// <param name="patience">Epochs without improvement after which training stops; at least 1.</param>
    /// <param name="minDelta">How much lower than the best a loss must be to count as an improvement; at least 0.</param>
    public EarlyStopping(int parameterCount, int patience, float minDelta = 0f)
    {
        Guard.PositiveCount(parameterCount);
        Guard.PositiveCount(patience);
        Guard.FiniteNonNegative(minDelta);
        _best = new float[parameterCount];
        (Patience, MinDelta) = (patience, minDelta);
    }

    /// <summary>Length of the parameter arena it keeps the best copy of.</summary>
    public int ParameterCount => _best.Length;

    /// <summary>Epochs without improvement after which training stops.</summary>
    public int Patience { get; }
    /// <summary>Smallest decrease that counts as an improvement.</summary>
    public float MinDelta { get; }
    /// <summary>Epoch with the lowest validation loss so far; 0 before the first.</summary>
    public int BestEpoch { get; private set; }
    /// <summary>The lowest validation loss so far (+∞ before the first).</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;
    /// <summary>Epochs since <see cref="BestEpoch"/>.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>
    /// Records an epoch's validation loss; copies <paramref name="parameters"/> when it is the best so far.
    /// Returns true when training should stop.
    /// </summary>
    public bool Observe(int epoch, double validationLoss, ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _best.Length)
        {
            throw new ArgumentException($"Early stopping was created for {_best.Length} parameters; got {parameters.Length}.", nameof(parameters));
        }
        if (validationLoss < BestLoss - MinDelta)
        {
            (BestEpoch, BestLoss, EpochsWithoutImprovement) = (epoch, validationLoss, 0);
            parameters.CopyTo(_best);
            return false;
        }
        EpochsWithoutImprovement++;
        return EpochsWithoutImprovement >= Patience;
    }

    /// <summary>Writes the best epoch's parameters into <paramref name="parameters"/>.</summary>
    public void RestoreBest(Span<float> parameters)
    {
        if (BestEpoch == 0)
        {
            throw new InvalidOperationException("No epoch has been observed yet.");
        }
        if (parameters.Length != _best.Length)
        {
            throw new ArgumentException($"Early stopping was created for {_best.Length} parameters; got {parameters.Length}.", nameof(parameters));
        }
        _best.CopyTo(parameters);
    }
}
