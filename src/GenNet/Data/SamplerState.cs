namespace GenNet.Data;

/// <summary>
/// Where a <see cref="BatchSampler"/> stands, for checkpoints: <see cref="BatchSampler.Restore"/> takes it back.
/// </summary>
/// <param name="Epoch">Number of epochs begun (1 during the first epoch; 0 before any batch).</param>
/// <param name="Position">Samples of the current epoch already handed out.</param>
/// <param name="InEpoch">False before the first batch and after an epoch's last <c>false</c> from TryNextBatch.</param>
/// <param name="Rng">
/// In an epoch: the generator's state just before that epoch's shuffle, from which the permutation is rebuilt.
/// Between epochs: the generator's state now, from which the next shuffle starts.
/// </param>
public readonly record struct SamplerState(int Epoch, int Position, bool InEpoch, RngState Rng);
