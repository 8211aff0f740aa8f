using System.Diagnostics;
using GenNet.Data;

namespace GenNet.Training;

/// <summary>
/// The epoch/step loop for any generated network and any in-memory data: a classifier (<see cref="IClassifier"/>)
/// on a <see cref="Dataset"/> with labels, or a regressor (<see cref="IRegressor"/>) on one with float targets. Each
/// step: sample a shuffled batch → apply the <see cref="Schedule"/> → <c>TrainStep</c> → check the loss → report; at
/// each epoch's end: check the parameters, evaluate the validation, test and accuracy sets, report, early stopping.
/// Allocation-free after the first epoch (each epoch's <see cref="EpochMetrics.AllocatedBytes"/> says so).
/// </summary>
/// <remarks>
/// <para>Non-finite values: every step's loss is checked (one comparison), the parameters once per epoch (one pass
/// over the arena, before the evaluation). Either stops the run with <see cref="TrainingStatus.NonFinite"/>, naming
/// the epoch and step; the caller must then not save the parameters. A non-finite value in the <see cref="Average"/>
/// stops it the same way.</para>
/// <para>Finite divergence: a batch loss above <see cref="DivergenceFactor"/> (1000) times the lowest batch loss seen
/// so far in this <see cref="Run"/>, that lowest counted as at least 1, stops the run with
/// <see cref="TrainingStatus.Diverged"/>, which callers treat like a NaN. The floor of 1 keeps a well-fitted model
/// (batch losses near 0) from being stopped by one hard batch: the cross-entropy of 10 classes starts near 2.3, so
/// only a run whose loss passes 1000 stops, and such a model is useless. The lowest loss is not part of
/// <see cref="State"/>: a resumed run starts it afresh.</para>
/// <para>Cancellation is looked at before each step, so a cancelled run always stops between whole steps. The
/// parameters, the optimizer (<see cref="Optimizer.State"/>, <see cref="Optimizer.Steps"/>), the sampler
/// (<see cref="BatchSampler.GetState"/>), <see cref="State"/> and the <see cref="Average"/> if any then describe the
/// run exactly: restoring them all (<see cref="Serialization.Checkpoint.Save(Trainer, string, string)"/> and
/// <see cref="Serialization.Checkpoint.LoadInto"/> do it) and calling <see cref="Run"/> again ends
/// with the same bits as a run that was never stopped, because nothing else (the evaluations included) draws random
/// numbers or changes the parameters, and the schedule is a function of the optimizer's step count.</para>
/// <para><see cref="AllocatedBytes"/> counts what the calling thread allocated during <see cref="Run"/>, leaving
/// out what the callbacks allocated (<see cref="CallbackAllocatedBytes"/>), so a progress display does not hide
/// an allocation in the loop itself. Worker threads of a multi-threaded network are not counted.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly INetwork _network;
    // Exactly one of the two is set: the loss head decides what a batch's targets are.
    private readonly IClassifier? _classifier;
    private readonly IRegressor? _regressor;
    private readonly Optimizer _optimizer;
    private readonly BatchSampler _sampler;
    private TrainerState _state;

    /// <summary>Trains <paramref name="network"/> with <paramref name="optimizer"/> on the batches of <paramref name="sampler"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The network is inference-only or has no loss head the trainer knows, or the optimizer or sampler does not fit
    /// it: the sampler's data must be samples of the network's input shape, with labels for a classifier and
    /// OutputSize targets for a regressor (see <see cref="Dataset.MismatchWith(INetwork)"/>).
    /// </exception>
    public Trainer(INetwork network, Optimizer optimizer, BatchSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(sampler);
        if (network.IsInferenceOnly)
        {
            throw new ArgumentException("The network was built for inference only (ForInference): it has no gradient buffers to train with.", nameof(network));
        }
        if (optimizer.ParameterCount != network.ParameterCount)
        {
            throw new ArgumentException($"The optimizer was created for {optimizer.ParameterCount} parameters but the network has {network.ParameterCount}.", nameof(optimizer));
        }
        if (sampler.BatchSize > network.MaxBatchSize)
        {
            throw new ArgumentException($"The sampler's batches of {sampler.BatchSize} exceed the network's maximum batch size {network.MaxBatchSize}.", nameof(sampler));
        }
        CheckFits(sampler.Data, network, nameof(sampler));
        (_network, _optimizer, _sampler) = (network, optimizer, sampler);
        (_classifier, _regressor) = (network as IClassifier, network as IRegressor);
    }

    private static void CheckFits(Dataset? data, INetwork network, string name)
    {
        if (data?.MismatchWith(network) is { } mismatch)
        {
            throw new ArgumentException($"{name}: {mismatch}.", name);
        }
    }

    /// <summary>Evaluated after every epoch for <see cref="EpochMetrics.TestLoss"/> and <see cref="EpochMetrics.TestAccuracy"/>; optional.</summary>
    public Dataset? TestSet { get; init; }
    /// <summary>
    /// Training samples whose first <see cref="AccuracySamples"/> give <see cref="EpochMetrics.TrainAccuracy"/> (a
    /// classifier) after every epoch; optional.
    /// </summary>
    public Dataset? AccuracySet { get; init; }
    /// <summary>How many samples of <see cref="AccuracySet"/> to evaluate (all when fewer). Default 10,000.</summary>
    public int AccuracySamples { get; init; } = 10_000;
    /// <summary>
    /// The learning rate of every step, set on the optimizer before the step from its step count
    /// (<see cref="LearningRateSchedule.Apply"/>); null keeps the optimizer's rate. For a rate per epoch, use a
    /// <see cref="StepDecaySchedule"/> whose step size is <see cref="BatchSampler.BatchesPerEpoch"/>.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Moves every training image by a few pixels before its step (<see cref="RandomShift"/>); null trains on the
    /// images as they are. Its shape must be the training set's sample shape and its batch at least the sampler's.
    /// </summary>
    public RandomShift? Shift { get; init; }

    /// <summary>
    /// A moving average of the parameters, updated after every step; null for none. With one, every evaluation the
    /// trainer makes (<see cref="AccuracySet"/>, <see cref="TestSet"/>, <see cref="ValidationSet"/> and
    /// <see cref="EarlyStopping"/>'s choice and copy) reads the average: it is swapped into the network for the
    /// evaluations and swapped back, so the network goes on training from its own parameters, which the callbacks see.
    /// To keep the evaluated model after a completed run, copy <see cref="WeightAverage.Values"/> into the network; an
    /// early-stopped run has already put the best epoch's average there. Checkpoints keep the average.
    /// </summary>
    public WeightAverage? Average { get; init; }

    /// <summary>
    /// Held-out samples evaluated after every epoch (loss and accuracy in <see cref="EpochMetrics"/>); see
    /// <see cref="Dataset.Split"/> for taking them out of the training data.
    /// </summary>
    public Dataset? ValidationSet { get; init; }

    /// <summary>
    /// Stops the run when the validation loss stops improving and puts back the best epoch's parameters; needs
    /// <see cref="ValidationSet"/>. Its patience count is not part of checkpoints: a resumed run starts it afresh.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; init; }
    /// <summary>
    /// How many times the lowest batch loss of the run (counted as at least 1) a finite batch loss may reach before
    /// the run stops as <see cref="TrainingStatus.Diverged"/>. Default 1000; <see cref="float.PositiveInfinity"/>
    /// turns the check off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not greater than 1 (NaN included).</exception>
    public float DivergenceFactor
    {
        get => _divergenceFactor;
        init => _divergenceFactor = value > 1f ? value : throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), value, "DivergenceFactor must be greater than 1.");
    }

    private readonly float _divergenceFactor = 1000f;

    /// <summary>The network this trainer trains.</summary>
    public INetwork Network => _network;
    /// <summary>The optimizer that takes each step.</summary>
    public Optimizer Optimizer => _optimizer;
    /// <summary>The sampler that shuffles and gathers the training batches.</summary>
    public BatchSampler Sampler => _sampler;

    /// <summary>Called after every step (keep it cheap; it runs inside the loop).</summary>
    public Action<StepProgress>? StepCompleted { get; set; }
    /// <summary>Called after every epoch's evaluation (before early stopping looks at it).</summary>
    public Action<EpochMetrics>? EpochCompleted { get; set; }
    /// <summary>Also told every epoch's metrics, for observers written against <see cref="IProgress{T}"/>.</summary>
    /// <remarks>
    /// <see cref="Progress{T}"/> posts each report to the synchronization context it was created on (allocating a
    /// little per report, counted in <see cref="CallbackAllocatedBytes"/>); a custom implementation runs inline.
    /// </remarks>
    public IProgress<EpochMetrics>? Progress { get; set; }

    /// <summary>The trainer's position; with the parameters, optimizer and sampler state, a complete checkpoint.</summary>
    public TrainerState State => _state;
    /// <summary>Bytes the calling thread allocated during the last <see cref="Run"/>, callbacks excluded.</summary>
    public long AllocatedBytes { get; private set; }
    /// <summary>Bytes the callbacks allocated during the last <see cref="Run"/>.</summary>
    public long CallbackAllocatedBytes { get; private set; }

    /// <summary>Continues from a state taken by <see cref="State"/> (restore the network, optimizer and sampler too).</summary>
    public void Restore(TrainerState state)
    {
        if (state.EpochsCompleted < 0 || state.StepInEpoch < 0 || state.SamplesInEpoch < 0 || state.TotalSteps < 0
            || !double.IsFinite(state.LossSum) || !double.IsFinite(state.EpochSeconds) || state.EpochSeconds < 0)
        {
            throw new ArgumentException($"Trainer state {state} is not valid.", nameof(state));
        }
        _state = state;
    }

    /// <summary>
    /// Trains until <paramref name="epochs"/> epochs are complete (counting those before a <see cref="Restore"/>),
    /// the token is cancelled, or a non-finite value appears.
    /// </summary>
    public TrainingResult Run(int epochs, CancellationToken cancellationToken = default)
    {
        Guard.PositiveCount(epochs);
        if (EarlyStopping is not null && ValidationSet is null)
        {
            throw new InvalidOperationException("Early stopping watches the validation loss: set ValidationSet too.");
        }
        if (EarlyStopping is { } early && early.ParameterCount != _network.ParameterCount)
        {
            throw new InvalidOperationException($"EarlyStopping was made for {early.ParameterCount} parameters but the network has {_network.ParameterCount}.");
        }
        if (Average is { } average && average.ParameterCount != _network.ParameterCount)
        {
            throw new InvalidOperationException($"Average was made for {average.ParameterCount} parameters but the network has {_network.ParameterCount}.");
        }
        if (AccuracySamples < 1)
        {
            throw new InvalidOperationException($"AccuracySamples must be at least 1 (got {AccuracySamples}).");
        }
        if (Shift is { } shift && (shift.SampleShape != _sampler.Data.SampleShape || shift.MaxBatchSize < _sampler.BatchSize))
        {
            throw new InvalidOperationException(
                $"Shift is for batches of up to {shift.MaxBatchSize} samples of {shift.SampleShape}; the sampler gives batches of {_sampler.BatchSize} samples " +
                (_sampler.Data.SampleShape is { } shape ? $"of {shape}." : $"of {_sampler.Data.Features} values with no image shape."));
        }
        CheckFits(TestSet, _network, nameof(TestSet));
        CheckFits(AccuracySet, _network, nameof(AccuracySet));
        CheckFits(ValidationSet, _network, nameof(ValidationSet));
        long allocationStart = GC.GetAllocatedBytesForCurrentThread();
        long callbackBytes = 0;
        try
        {
            return RunEpochs(epochs, cancellationToken, ref callbackBytes);
        }
        finally
        {
            CallbackAllocatedBytes = callbackBytes;
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocationStart - callbackBytes;
        }
    }

    private TrainingResult RunEpochs(int epochs, CancellationToken cancellationToken, ref long callbackBytes)
    {
        int stepsPerEpoch = _sampler.BatchesPerEpoch;
        float lowestLoss = float.PositiveInfinity;
        while (_state.EpochsCompleted < epochs)
        {
            int epoch = _state.EpochsCompleted + 1;
            long start = Stopwatch.GetTimestamp();
            long allocatedAtStart = GC.GetAllocatedBytesForCurrentThread() - callbackBytes;
            double secondsBefore = _state.EpochSeconds;
            TrainerState s = _state;
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    _state = s with { EpochSeconds = secondsBefore + Stopwatch.GetElapsedTime(start).TotalSeconds };
                    return new TrainingResult(TrainingStatus.Cancelled, epoch, s.StepInEpoch, "");
                }
                if (!_sampler.TryNextBatch(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels, out ReadOnlySpan<float> targets, out int count, _network.Workers))
                {
                    break;
                }
                if (Shift is { } shift)
                {
                    inputs = shift.Apply(inputs, count, _sampler.Epoch, _sampler.Position - count);
                }
                Schedule?.Apply(_optimizer);
                float loss = _classifier is not null
                    ? _classifier.TrainStep(inputs, labels, count, _optimizer)
                    : _regressor!.TrainStep(inputs, targets, count, _optimizer);
                s = new TrainerState(s.EpochsCompleted, s.StepInEpoch + 1, s.SamplesInEpoch + count,
                    s.LossSum + (double)loss * count, s.EpochSeconds, s.TotalSteps + 1);
                _state = s; // current after every step, so a callback can take a checkpoint mid-epoch
                if (!float.IsFinite(loss))
                {
                    _state = s;
                    return NonFinite(epoch, s.StepInEpoch, $"the loss of epoch {epoch}, step {s.StepInEpoch} is {loss}");
                }
                if (loss > _divergenceFactor * MathF.Max(lowestLoss, 1f))
                {
                    _state = s;
                    return new TrainingResult(TrainingStatus.Diverged, epoch, s.StepInEpoch,
                        $"the loss of epoch {epoch}, step {s.StepInEpoch} is {loss:G4}, over {_divergenceFactor:G4} × the lowest loss of the run ({MathF.Max(lowestLoss, 1f):G4}, counted as at least 1)");
                }
                lowestLoss = MathF.Min(lowestLoss, loss);
                Average?.Update(_network.Parameters);
                if (StepCompleted is { } onStep)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    onStep(new StepProgress(epoch, s.StepInEpoch, stepsPerEpoch, s.TotalSteps, loss, s.LossSum / s.SamplesInEpoch,
                        s.SamplesInEpoch, secondsBefore + Stopwatch.GetElapsedTime(start).TotalSeconds));
                    callbackBytes += GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }
            double stepSeconds = secondsBefore + Stopwatch.GetElapsedTime(start).TotalSeconds;
            _state = s;

            int badIndex = FindNonFinite(_network.Parameters);
            if (badIndex >= 0)
            {
                return NonFinite(epoch, s.StepInEpoch,
                    $"parameter {badIndex} is {_network.Parameters[badIndex]} at the end of epoch {epoch} (after step {s.StepInEpoch})");
            }

            if (Average is { Updates: > 0 } averaged)
            {
                badIndex = FindNonFinite(averaged.Values);
                if (badIndex >= 0)
                {
                    return NonFinite(epoch, s.StepInEpoch,
                        $"value {badIndex} of the weight average is {averaged.Values[badIndex]} at the end of epoch {epoch} (after step {s.StepInEpoch})");
                }
            }
            double trainAccuracy = double.NaN, testLoss = double.NaN, testAccuracy = double.NaN, validationLoss = double.NaN, validationAccuracy = double.NaN;
            SwapAverage(); // the evaluations read the average
            try
            {
                trainAccuracy = AccuracySet is { } trainSet ? Evaluate(trainSet, Math.Min(trainSet.Count, AccuracySamples)).Accuracy : double.NaN;
                (testLoss, testAccuracy) = TestSet is { } test ? Evaluate(test, test.Count) : (double.NaN, double.NaN);
                (validationLoss, validationAccuracy) = ValidationSet is { } validation ? Evaluate(validation, validation.Count) : (double.NaN, double.NaN);
            }
            finally
            {
                SwapAverage(); // back to the training parameters, which the callbacks see (also when an evaluation throws)
            }
            double seconds = secondsBefore + Stopwatch.GetElapsedTime(start).TotalSeconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - callbackBytes - allocatedAtStart;
            var metrics = new EpochMetrics(epoch, s.StepInEpoch, s.SamplesInEpoch == 0 ? double.NaN : s.LossSum / s.SamplesInEpoch,
                trainAccuracy, testLoss, testAccuracy, _optimizer.LearningRate, seconds,
                stepSeconds > 0 ? s.SamplesInEpoch / stepSeconds : 0, validationLoss, validationAccuracy, allocated);
            _state = new TrainerState(epoch, 0, 0, 0, 0, s.TotalSteps);
            if (EpochCompleted is not null || Progress is not null)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                EpochCompleted?.Invoke(metrics);
                Progress?.Report(metrics);
                callbackBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            }
            if (EarlyStopping is { } stopping)
            {
                bool stop;
                SwapAverage(); // early stopping chooses and keeps averages too
                try
                {
                    stop = stopping.Observe(epoch, validationLoss, _network.Parameters);
                }
                finally
                {
                    SwapAverage();
                }
                if (stop)
                {
                    if (stopping.BestEpoch == 0)
                    {
                        return NonFinite(epoch, 0, $"the validation loss has not been finite in {stopping.Patience} epoch(s): {validationLoss}");
                    }
                    stopping.RestoreBest(_network.Parameters);
                    return new TrainingResult(TrainingStatus.EarlyStopped, epoch, 0,
                        $"the validation loss has not improved for {stopping.Patience} epoch(s); kept epoch {stopping.BestEpoch} (validation loss {stopping.BestLoss:G4})");
                }
            }
        }
        return new TrainingResult(TrainingStatus.Completed, _state.EpochsCompleted, 0, "");
    }

    /// <summary>Exchanges the network's parameters with <see cref="Average"/>, once it holds an average (twice undoes it).</summary>
    private void SwapAverage()
    {
        if (Average is { Updates: > 0 } average)
        {
            average.SwapWith(_network.Parameters);
        }
    }

    /// <summary>Mean loss and accuracy (NaN for a regressor) of the first <paramref name="count"/> samples of <paramref name="data"/>.</summary>
    private (double Loss, double Accuracy) Evaluate(Dataset data, int count)
    {
        ReadOnlySpan<float> inputs = data.Inputs.AsSpan(0, count * data.Features);
        if (_classifier is not null)
        {
            int correct = _classifier.Evaluate(inputs, data.Labels.AsSpan(0, count), count, out float meanLoss);
            return (meanLoss, (double)correct / count);
        }
        return (_regressor!.Loss(inputs, data.Targets.AsSpan(0, count * data.TargetWidth), count), double.NaN);
    }

    private static TrainingResult NonFinite(int epoch, int step, string message) =>
        new(TrainingStatus.NonFinite, epoch, step, message);

    /// <summary>Index of the first NaN or infinity in <paramref name="values"/>, or −1.</summary>
    public static int FindNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
