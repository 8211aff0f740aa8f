namespace GenNet.Training;

/// <summary>Passed to <see cref="Trainer.StepCompleted"/> after every optimizer step. A value type: reporting allocates nothing.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps in a full epoch.</param>
/// <param name="TotalSteps">Steps since the run began.</param>
/// <param name="Loss">This batch's mean loss.</param>
/// <param name="RunningLoss">Mean loss over the epoch's batches so far.</param>
/// <param name="SamplesInEpoch">Samples of this epoch seen so far.</param>
/// <param name="EpochSeconds">Wall time spent in this epoch so far.</param>
public readonly record struct StepProgress(
    int Epoch, int Step, int StepsPerEpoch, long TotalSteps, float Loss, double RunningLoss, int SamplesInEpoch, double EpochSeconds);
