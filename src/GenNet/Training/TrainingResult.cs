namespace GenNet.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="Status">Completed, cancelled or stopped on a non-finite value.</param>
/// <param name="Epoch">The epoch in which the run stopped (1-based), or the last epoch when completed.</param>
/// <param name="Step">The step within that epoch after which it stopped (1-based; 0 when it stopped between epochs).</param>
/// <param name="Message">For <see cref="TrainingStatus.NonFinite"/>: what was not finite, naming epoch and step; otherwise empty.</param>
public readonly record struct TrainingResult(TrainingStatus Status, int Epoch, int Step, string Message);
