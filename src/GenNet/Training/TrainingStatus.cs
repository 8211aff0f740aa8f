namespace GenNet.Training;

/// <summary>How <see cref="Trainer.Run"/> ended.</summary>
public enum TrainingStatus
{
    /// <summary>Every requested epoch ran.</summary>
    Completed,
    /// <summary>The cancellation token fired; the run stopped after a whole step and can be resumed from <see cref="Trainer.State"/>.</summary>
    Cancelled,
    /// <summary>A batch loss or a parameter became NaN or infinite; the parameters are unusable.</summary>
    NonFinite,
    /// <summary>
    /// A batch loss, still finite, grew to more than <see cref="Trainer.DivergenceFactor"/> times the lowest of the
    /// run: the run is treated as if it had produced a NaN, and its parameters must not replace a saved model.
    /// </summary>
    Diverged,
    /// <summary><see cref="Trainer.EarlyStopping"/> stopped the run; the best epoch's parameters were put back.</summary>
    EarlyStopped,
}
