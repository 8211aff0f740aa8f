namespace GenNet.Training;

/// <summary>What one epoch of <see cref="Trainer.Run"/> measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Steps">Optimizer steps in the epoch.</param>
/// <param name="TrainLoss">Mean of the epoch's batch losses, weighted by batch size (running: each batch's loss is taken before its own update).</param>
/// <param name="TrainAccuracy">Accuracy on the training images of <see cref="Trainer.AccuracySet"/> (its first <see cref="Trainer.AccuracySamples"/>) after the epoch, or NaN without one.</param>
/// <param name="TestLoss">Mean loss (cross-entropy or squared error) on <see cref="Trainer.TestSet"/> after the epoch, or NaN without one.</param>
/// <param name="TestAccuracy">Accuracy on <see cref="Trainer.TestSet"/> after the epoch, in [0, 1], or NaN without one (and for a regressor).</param>
/// <param name="LearningRate">The optimizer's learning rate during the epoch.</param>
/// <param name="Seconds">Wall time of the epoch, its evaluations included.</param>
/// <param name="SamplesPerSecond">Training samples per second of step time (evaluations excluded).</param>
/// <param name="ValidationLoss">Mean loss on <see cref="Trainer.ValidationSet"/> after the epoch, or NaN without one.</param>
/// <param name="ValidationAccuracy">Accuracy on <see cref="Trainer.ValidationSet"/> after the epoch, or NaN without one.</param>
/// <param name="AllocatedBytes">
/// Bytes the trainer's thread allocated in this epoch (steps, schedule, evaluations, metrics), callbacks excluded: 0
/// after the first epoch. The first epoch's count holds one-time work such as the runtime's first call of a method.
/// </param>
public readonly record struct EpochMetrics(
    int Epoch, int Steps, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    float LearningRate, double Seconds, double SamplesPerSecond, double ValidationLoss = double.NaN, double ValidationAccuracy = double.NaN,
    long AllocatedBytes = 0);
