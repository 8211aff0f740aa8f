namespace GenNet.Training;

/// <summary>
/// Where a <see cref="Trainer"/> stands between two steps, for checkpoints: <see cref="Trainer.Restore"/> takes it back.
/// Together with the parameters, the optimizer's state and the sampler's state it fixes the rest of the run.
/// </summary>
/// <param name="EpochsCompleted">Epochs whose end-of-epoch work (checks, evaluation, callback) is done.</param>
/// <param name="StepInEpoch">Steps taken in the current, unfinished epoch.</param>
/// <param name="SamplesInEpoch">Samples seen in the current epoch.</param>
/// <param name="LossSum">Sum over the current epoch's steps of batch loss × batch size (for the epoch's mean loss).</param>
/// <param name="EpochSeconds">Wall time already spent in the current epoch (before an interruption).</param>
/// <param name="TotalSteps">Steps taken since the run began, over all epochs.</param>
public readonly record struct TrainerState(int EpochsCompleted, int StepInEpoch, int SamplesInEpoch, double LossSum, double EpochSeconds, long TotalSteps);
