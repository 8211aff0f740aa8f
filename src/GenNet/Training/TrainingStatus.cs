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
    /// <summary><see cref="Trainer.EarlyStopping"/> stopped the run; the best epoch's parameters were put back.</summary>
    EarlyStopped,
}
