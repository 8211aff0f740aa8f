using System.Diagnostics;
using System.Text.Json;
using GenNet.Data;
using GenNet.Serialization;
using GenNet.Training;
using Spectre.Console;

namespace GenNet.Mnist;

/// <summary><c>train</c>: loads the data, trains, reports, and writes the model, plot, metrics and checkpoints asked for.</summary>
internal static class TrainCommand
{
    public const int DefaultEpochs = 5;

    /// <summary>
    /// The lowest learning rate: <c>--lr</c> below it is refused, and <c>--lr-decay</c> never takes the rate under
    /// it (the decayed rate would otherwise underflow to 0, which no optimizer accepts). The same floor as
    /// <see cref="StepDecaySchedule"/>'s.
    /// </summary>
    public const float MinLearningRate = 1e-30f;

    /// <summary>The optimizer asked for, else the network's default.</summary>
    private static string OptimizerFor(TrainArgs a) =>
        (a.Optimizer ?? Networks.ByName(a.Arch)?.DefaultOptimizer ?? Networks.All[0].DefaultOptimizer).ToLowerInvariant();

    public static int Execute(TrainArgs a, Ui ui, CancellationToken interrupt)
    {
        long wallStart = Stopwatch.GetTimestamp();
        Validate(a);
        string? save = OutputPaths.Check(a.Save, "--save");
        string? plot = OutputPaths.Check(a.Plot, "--plot");
        string? metricsPath = OutputPaths.Check(a.Metrics, "--metrics");
        string? checkpointPath = OutputPaths.Check(a.Checkpoint, "--checkpoint");
        if (plot is not null && !plot.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserException($"--plot writes a PNG image; give a file name ending in .png (got {a.Plot}).");
        }

        Checkpoint? resume = null;
        CheckpointMetadata? resumed = null;
        if (a.Resume is not null)
        {
            (resume, resumed) = LoadCheckpoint(a.Resume);
        }

        string dataDirectory = DataLocator.Resolve(a.Data);
        var paths = new List<OutputPaths.Entry>();
        foreach ((string option, string? path) in (ReadOnlySpan<(string, string?)>)[("--save", save), ("--plot", plot), ("--metrics", metricsPath), ("--checkpoint", checkpointPath)])
        {
            if (path is not null)
            {
                paths.Add(new OutputPaths.Entry(option, path, IsOutput: true));
            }
        }
        if (a.Resume is not null)
        {
            paths.Add(new OutputPaths.Entry("--resume", a.Resume, IsOutput: false));
        }
        paths.AddRange(OutputPaths.DataFiles(dataDirectory));
        OutputPaths.RefuseCollisions(paths); // before any data is read or training starts
        TrainConfig config = resumed?.Config is { } c
            ? c with { Epochs = a.Epochs ?? c.Epochs, Threads = a.Threads, DataDirectory = dataDirectory }
            : new TrainConfig
            {
                Arch = a.Arch, Epochs = a.Epochs ?? DefaultEpochs, Batch = a.Batch, Optimizer = OptimizerFor(a),
                LearningRate = a.LearningRate ?? Optimizers.Create(OptimizerFor(a), 1).LearningRate,
                LearningRateDecay = a.LearningRateDecay, Seed = a.Seed, Threads = a.Threads, DataDirectory = dataDirectory,
                TrainLimit = a.TrainLimit, Validation = a.Validation, EarlyStopping = a.EarlyStopping, Shift = a.Shift, Ema = a.Ema,
            };
        Networks.Entry entry = Networks.ByName(config.Arch) ?? throw new UserException($"The checkpoint names an unknown network '{config.Arch}'.");
        config = config with { Architecture = entry.Description.Architecture };

        MnistDataset data;
        try
        {
            data = DataLocator.Load(dataDirectory, !a.NoDownload, ui.Output, interrupt);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            throw new InterruptedRunException("Interrupted while loading the data; no model, checkpoint, plot or metrics file was written.");
        }
        if (interrupt.IsCancellationRequested)
        {
            throw new InterruptedRunException("Interrupted while loading the data; no model, checkpoint, plot or metrics file was written.");
        }
        LabeledImages train = config.TrainLimit is int limit && limit < data.Train.Count ? Head(data.Train, limit) : data.Train;
        LabeledImages? validationSet = null;
        if (config.Validation > 0)
        {
            if (config.Validation >= train.Count)
            {
                throw new UserException($"--validation {config.Validation} leaves no training images (there are {train.Count}).");
            }
            // The last images are held out, so the split does not depend on the seed.
            validationSet = Range(train, train.Count - config.Validation, config.Validation);
            train = Head(train, train.Count - config.Validation);
        }
        if (config.Shift >= Math.Min(train.Rows, train.Columns))
        {
            throw new UserException($"--shift {config.Shift} is not smaller than the {train.Rows}×{train.Columns} images.");
        }
        if (config.Batch > train.Count)
        {
            throw new UserException($"--batch {config.Batch} is larger than the {train.Count} training images.");
        }
        Networks.CheckData(entry, data);

        ui.Line($"GenNet MNIST trainer: {entry.Name} = {entry.Description.Architecture} ({entry.Description.ParameterCount:N0} parameters)");
        ui.Line($"data {data.Directory}: {train.Count:N0} training, {data.Test.Count:N0} test images; classes {string.Join(", ", data.ClassNames)}");
        ui.Line($"{config.Optimizer} lr {config.LearningRate:G4}" + (config.LearningRateDecay != 1f ? $" × {config.LearningRateDecay:G4} per epoch" : "") +
            $", batch {config.Batch}, {config.Epochs} epochs, seed {config.Seed}, {config.Threads} thread(s)" +
            (config.Shift > 0 ? $", images shifted up to {config.Shift} px" : "") +
            (config.Ema > 0 ? $", weights averaged (decay {config.Ema:G6})" : "") +
            (resume is not null ? $"; resuming {a.Resume} after epoch {resume.Trainer.EpochsCompleted}, step {resume.Trainer.StepInEpoch}" : ""));

        using IClassifier network = entry.Create(config.Batch, config.Seed, config.Threads);
        Optimizer optimizer = Optimizers.Create(config.Optimizer, network.ParameterCount, config.LearningRate);
        var sampler = new BatchSampler(train, config.Batch, new Rng(SamplerSeed(config.Seed)));
        float decay = config.LearningRateDecay;
        var trainer = new Trainer(network, optimizer, sampler)
        {
            TestSet = data.Test,
            AccuracySet = train,
            // lr · decay^(epoch − 1): the rate drops once per epoch's worth of optimizer steps (floored at MinLearningRate).
            Schedule = decay == 1f ? null : new StepDecaySchedule(config.LearningRate, sampler.BatchesPerEpoch, decay),
            ValidationSet = validationSet,
            EarlyStopping = config.EarlyStopping is int patience ? new EarlyStopping(network.ParameterCount, patience) : null,
            Shift = config.Shift > 0 ? new RandomShift(new TensorShape(1, train.Rows, train.Columns), config.Shift, ShiftSeed(config.Seed), config.Batch) : null,
            Average = config.Ema > 0 ? new WeightAverage(network.ParameterCount, config.Ema) : null,
        };
        // The model a run saves is the one its epoch lines evaluate: the weight average when there is one.
        void SaveModel(string path)
        {
            WeightAverage? average = trainer.Average is { Updates: > 0 } a ? a : null;
            average?.SwapWith(network.Parameters);
            try
            {
                ModelFile.Save(network, path);
            }
            finally
            {
                average?.SwapWith(network.Parameters);
            }
        }
        var history = new List<EpochRecord>(resumed?.History ?? []);
        double secondsBefore = resumed?.SecondsBefore ?? 0;
        if (resume is not null)
        {
            try
            {
                resume.RestoreInto(trainer);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                throw new UserException($"Cannot resume from {a.Resume}: {e.Message}");
            }
        }

        trainer.EpochCompleted = m =>
        {
            var record = new EpochRecord(m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, m.LearningRate, m.Seconds, m.SamplesPerSecond,
                double.IsNaN(m.ValidationLoss) ? null : m.ValidationLoss, double.IsNaN(m.ValidationAccuracy) ? null : m.ValidationAccuracy, m.AllocatedBytes);
            history.Add(record);
            ui.Line(Ui.EpochLine(record, config.Epochs));
            // The parameters were checked finite just before this callback: the saved model is always a good one.
            string stopped = $"training stopped after epoch {m.Epoch}";
            if (save is not null)
            {
                Write("--save", save, () => SaveModel(save), stopped);
            }
            if (checkpointPath is not null)
            {
                Write("--checkpoint", checkpointPath, () => Checkpoint.Save(Checkpoint.Capture(trainer,
                    Metadata(config, history, secondsBefore)), checkpointPath), stopped);
            }
        };

        TrainingResult result;
        Program.TrainingInProgress = true;
        try
        {
            result = ui.Interactive ? RunWithProgress(trainer, ui, config.Epochs, interrupt) : trainer.Run(config.Epochs, interrupt);
        }
        finally
        {
            Program.TrainingInProgress = false;
        }
        double trainingSeconds = secondsBefore + history.Skip(resumed?.History.Count ?? 0).Sum(e => e.Seconds) + trainer.State.EpochSeconds;

        switch (result.Status)
        {
            case TrainingStatus.NonFinite or TrainingStatus.Diverged:
                ui.Fail($"training diverged: {result.Message}. " +
                    (save is null ? "" : history.Count > (resumed?.History.Count ?? 0)
                        ? $"{save} keeps the model from epoch {history[^1].Epoch}, the last with finite parameters. "
                        : $"{save} was not written (a file already there is left as it was). ") +
                    "Try a smaller --lr.");
                return ExitCodes.NonFinite;
            case TrainingStatus.Cancelled:
                if (checkpointPath is not null)
                {
                    Write("--checkpoint", checkpointPath, () => Checkpoint.Save(Checkpoint.Capture(trainer,
                        Metadata(config, history, trainingSeconds)), checkpointPath), $"interrupted in epoch {result.Epoch} after step {result.Step}");
                    ui.Error.WriteLine($"Interrupted in epoch {result.Epoch} after step {result.Step}; checkpoint saved to {checkpointPath}.");
                    ui.Error.WriteLine($"Resume with: gennet-mnist train --resume {checkpointPath}" + (a.Data is null ? "" : $" --data {a.Data}"));
                }
                else
                {
                    ui.Error.WriteLine($"Interrupted in epoch {result.Epoch} after step {result.Step}. No --checkpoint was given, so the run cannot be resumed.");
                }
                return Program.InterruptExitCode;
            case TrainingStatus.EarlyStopped:
                ui.Line($"early stopping after epoch {result.Epoch}: {result.Message}");
                if (save is not null)
                {
                    // the restored best epoch, not the last one written (with --ema, the trainer restored that epoch's average)
                    Write("--save", save, () => ModelFile.Save(network, save), $"early stopping after epoch {result.Epoch}");
                }
                break;
            case TrainingStatus.Completed when trainer.Average is { Updates: > 0 } average:
                // Training is over: the network becomes the averaged model its epoch lines evaluated, for the final
                // evaluation and --save (the checkpoints, written at each epoch's end, keep the training weights).
                average.Values.CopyTo(network.Parameters);
                break;
        }

        int correct = network.Evaluate(data.Test.Pixels, data.Test.Labels, data.Test.Count, out float testLoss);
        ConfusionMatrix confusion = ConfusionMatrix.Compute(network, data.Test.Pixels, data.Test.Labels, data.Test.Count);
        double accuracy = (double)correct / data.Test.Count;
        double wall = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        ui.Line("");
        ui.Line($"test accuracy {100 * accuracy:F2}% ({correct:N0}/{data.Test.Count:N0}), test loss {testLoss:F4}");
        ui.WriteConfusion(confusion, data.ClassNames);
        ui.Line($"training time {trainingSeconds:F1} s ({wall:F1} s wall in this process, data loading included)");
        // The first epoch of a process allocates once (the JIT's tiering, the pool's first wake); every later one should read 0.
        long afterFirstEpoch = history.Skip((resumed?.History.Count ?? 0) + 1).Sum(e => e.AllocatedBytes);
        ui.Line($"allocated during training (trainer thread, callbacks excluded): {trainer.AllocatedBytes:N0} bytes, " +
            $"{afterFirstEpoch:N0} of them after the first epoch; " +
            $"by the callbacks (progress display, epoch lines, model/checkpoint saves): {trainer.CallbackAllocatedBytes:N0} bytes");
        var finalWrites = new List<(string Option, string Path, string Done, Action Write)>();
        if (save is not null)
        {
            finalWrites.Add(("--save", save, $"model saved to {save}", () => ModelFile.Save(network, save)));
        }
        if (plot is not null)
        {
            finalWrites.Add(("--plot", plot, $"plot written to {plot}", () => Plots.Save(plot, history, confusion, data.ClassNames,
                $"{entry.Name} {config.Optimizer} lr {config.LearningRate:G3} batch {config.Batch} seed {config.Seed}")));
        }
        if (metricsPath is not null)
        {
            var report = new MetricsReport
            {
                Config = config,
                Machine = Machine.Describe(),
                Epochs = history,
                FinalTestAccuracy = accuracy,
                FinalTestLoss = testLoss,
                ClassNames = data.ClassNames,
                ConfusionMatrix = Enumerable.Range(0, confusion.Classes).Select(confusion.Row).ToArray(),
                TotalSeconds = trainingSeconds,
                AllocatedBytesDuringTraining = trainer.AllocatedBytes,
                AllocatedBytesByProgressDisplay = trainer.CallbackAllocatedBytes,
                Resumed = resume is not null,
            };
            finalWrites.Add(("--metrics", metricsPath, $"metrics written to {metricsPath}",
                () => AtomicFile.Write(metricsPath, file => JsonSerializer.Serialize(file, report, AppJsonContext.Default.MetricsReport))));
        }
        int savedEpoch = history.Count > (resumed?.History.Count ?? 0) ? history[^1].Epoch : 0;
        for (int i = 0; i <= finalWrites.Count; i++)
        {
            if (interrupt.IsCancellationRequested)
            {
                throw new InterruptedRunException(FinalWritesInterrupted(finalWrites.ConvertAll(w => (w.Option, w.Path)), i, save, savedEpoch));
            }
            if (i < finalWrites.Count)
            {
                var (option, path, done, write) = finalWrites[i];
                Write(option, path, write, i == 0 ? "no other final output was written"
                    : $"written before it: {string.Join(", ", finalWrites.Take(i).Select(w => $"{w.Option} {w.Path}"))}");
                ui.Line(done);
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Runs one write of an output file; a failure (disk full, read-only target, …) becomes a one-line error with exit
    /// code 4. <see cref="AtomicFile"/> has then left the previous file as it was and deleted its temporary file.
    /// </summary>
    private static void Write(string option, string path, Action write, string context)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET appends " : '<path>'" naming the temporary file, which no longer exists: keep the reason only.
            string reason = e.Message;
            int cut = reason.IndexOf(" : '", StringComparison.Ordinal);
            throw new UserException($"cannot write {option} {path}: {(cut > 0 ? reason[..cut] : reason).TrimEnd('.')}. " +
                $"The file there before, if any, is unchanged and no temporary file is left; {context}.", ExitCodes.WriteFailed);
        }
    }

    /// <summary>The one line printed when Ctrl+C or SIGTERM arrives after training, before or between the final writes.</summary>
    private static string FinalWritesInterrupted(List<(string Option, string Path)> writes, int done, string? save, int savedEpoch)
    {
        if (writes.Count == 0)
        {
            return "Interrupted after training; no output file was asked for.";
        }
        string Names(IEnumerable<(string Option, string Path)> list) => string.Join(", ", list.Select(w => $"{w.Option} {w.Path}"));
        string wrote = done > 0 ? $"wrote {Names(writes.Take(done))}" : "wrote none of the final outputs";
        string notWritten = done < writes.Count ? $"; did not write {Names(writes.Skip(done))}" : "";
        string model = save is not null && done == 0 && savedEpoch > 0 ? $" ({save} holds the model saved after epoch {savedEpoch})" : "";
        return $"Interrupted during the final writes: {wrote}{notWritten}{model}.";
    }

    /// <summary>The sampler's generator is seeded apart from the weights' (which use the seed itself).</summary>
    public static ulong SamplerSeed(ulong seed) => seed ^ 0x5851F42D4C957F2DUL;

    /// <summary>The seed of <c>--shift</c>'s shifts, derived from <c>--seed</c> apart from the sampler's.</summary>
    public static ulong ShiftSeed(ulong seed) => seed ^ 0x9E3779B97F4A7C15UL;

    private static TrainingResult RunWithProgress(Trainer trainer, Ui ui, int epochs, CancellationToken interrupt)
    {
        TrainingResult result = default;
        ui.Console_.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int taskEpoch = 0;
                long lastUpdate = 0;
                Action<EpochMetrics>? onEpoch = trainer.EpochCompleted;
                trainer.StepCompleted = p =>
                {
                    if (task is null || taskEpoch != p.Epoch)
                    {
                        task = ctx.AddTask($"epoch {p.Epoch}", maxValue: p.StepsPerEpoch);
                        taskEpoch = p.Epoch;
                    }
                    task.Value = p.Step;
                    long now = Stopwatch.GetTimestamp();
                    if (Stopwatch.GetElapsedTime(lastUpdate, now).TotalMilliseconds >= 200 || p.Step == p.StepsPerEpoch)
                    {
                        lastUpdate = now;
                        task.Description = $"epoch {p.Epoch}  loss {p.RunningLoss:F4}  {p.SamplesInEpoch / Math.Max(p.EpochSeconds, 1e-9):N0} samples/s";
                    }
                };
                trainer.EpochCompleted = m =>
                {
                    task?.Value(task.MaxValue);
                    onEpoch?.Invoke(m);
                };
                result = trainer.Run(epochs, interrupt);
            });
        return result;
    }

    private static string Metadata(TrainConfig config, List<EpochRecord> history, double seconds) =>
        JsonSerializer.Serialize(new CheckpointMetadata(config, history.ToArray(), seconds), AppJsonContext.Default.CheckpointMetadata);

    private static (Checkpoint, CheckpointMetadata) LoadCheckpoint(string path)
    {
        try
        {
            Checkpoint checkpoint = Checkpoint.Load(path);
            CheckpointMetadata metadata = JsonSerializer.Deserialize(checkpoint.Metadata, AppJsonContext.Default.CheckpointMetadata)
                ?? throw new InvalidDataException($"{Path.GetFileName(path)}: the checkpoint holds no trainer configuration");
            CheckMetadata(metadata, checkpoint, Path.GetFileName(path));
            return (checkpoint, metadata);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserException($"Cannot resume: {e.Message}");
        }
    }

    /// <summary>
    /// Checks every field of a checkpoint's metadata (the checksum does not protect against a hand edit with a
    /// recomputed one): the same ranges as the command line, and agreement with the checkpoint's own fields.
    /// </summary>
    private static void CheckMetadata(CheckpointMetadata m, Checkpoint checkpoint, string file)
    {
        void Require(bool ok, string field, object? value, string expected)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{file}: invalid metadata field '{field}': {(value is null ? "missing" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture))}; expected {expected}");
            }
        }
        TrainConfig? c = m.Config;
        Require(c is not null, "config", c, "the run's configuration");
        Require(m.History is not null && m.History.All(e => e is not null), "history", m.History is null ? null : "a null entry", "the finished epochs' records");
        Require(double.IsFinite(m.SecondsBefore) && m.SecondsBefore >= 0, "secondsBefore", m.SecondsBefore, "a finite number of at least 0");
        Require(Networks.ByName(c!.Arch) is not null, "config.arch", c.Arch, $"one of {string.Join(", ", Networks.Names)}");
        Require(Networks.ByName(c.Arch)!.Description.Architecture == checkpoint.Architecture, "config.arch", c.Arch, $"the network the checkpoint holds, \"{checkpoint.Architecture}\"");
        Require(c.Epochs is >= 1 and <= 100_000, "config.epochs", c.Epochs, "1..100000");
        Require(c.Batch is >= 1 and <= 60_000, "config.batch", c.Batch, "1..60000");
        Require(c.Optimizer == checkpoint.OptimizerName, "config.optimizer", c.Optimizer, $"the checkpoint's optimizer, {checkpoint.OptimizerName}");
        Require(float.IsFinite(c.LearningRate) && c.LearningRate >= MinLearningRate, "config.learningRate", c.LearningRate, $"a finite number of at least {MinLearningRate:G}");
        Require(float.IsFinite(c.LearningRateDecay) && c.LearningRateDecay > 0 && c.LearningRateDecay <= 1, "config.learningRateDecay", c.LearningRateDecay, "greater than 0 and at most 1");
        Require(c.TrainLimit is null or >= 1, "config.trainLimit", c.TrainLimit, "at least 1, or null for all images");
        Require(c.Validation >= 0, "config.validation", c.Validation, "at least 0");
        Require(c.Shift >= 0, "config.shift", c.Shift, "at least 0");
        Require(c.Ema == 0 || (c.Ema > 0 && c.Ema < 1), "config.ema", c.Ema, "0 (off) or greater than 0 and less than 1");
        Require((c.Ema > 0) == checkpoint.Average.HasValue && (checkpoint.Average is not { } average || average.Decay == c.Ema), "config.ema", c.Ema,
            checkpoint.Average is { } held ? $"the decay of the checkpoint's weight average, {held.Decay:G9}" : "0: the checkpoint holds no weight average");
        Require(c.EarlyStopping is null || (c.EarlyStopping >= 1 && c.Validation > 0), "config.earlyStopping", c.EarlyStopping, "at least 1 with a validation set, or null");
        Require(m.History!.Count == checkpoint.Trainer.EpochsCompleted, "history", $"{m.History.Count} epoch(s)",
            $"one record per completed epoch, {checkpoint.Trainer.EpochsCompleted}");
    }

    private static void Validate(TrainArgs a)
    {
        if (a.Epochs is int epochs && (epochs < 1 || epochs > 100_000))
        {
            throw new UserException($"--epochs must be between 1 and 100000 (got {epochs}).");
        }
        if (a.Batch < 1 || a.Batch > 60_000)
        {
            throw new UserException($"--batch must be between 1 and 60000 (got {a.Batch}).");
        }
        if (a.LearningRate is float lr && (!float.IsFinite(lr) || lr < MinLearningRate))
        {
            throw new UserException($"--lr must be a finite number of at least {MinLearningRate:G} (got {lr}).");
        }
        if (!float.IsFinite(a.LearningRateDecay) || a.LearningRateDecay <= 0 || a.LearningRateDecay > 1)
        {
            throw new UserException($"--lr-decay must be greater than 0 and at most 1 (got {a.LearningRateDecay}).");
        }
        int maxThreads = Guard.MaxThreads;   // the networks' own rule: four threads per logical core
        if (a.Threads < 1 || a.Threads > maxThreads)
        {
            throw new UserException($"--threads must be between 1 and {maxThreads} (4 × the {Environment.ProcessorCount} logical cores; got {a.Threads}).");
        }
        if (!(a.Ema >= 0 && a.Ema < 1))
        {
            throw new UserException($"--ema must be at least 0 and less than 1 (got {a.Ema}; 0 is off, 0.999 averages over about the last 1,000 steps).");
        }
        if (a.Shift < 0)
        {
            throw new UserException($"--shift must be at least 0 (got {a.Shift}).");
        }
        if (a.Validation < 0)
        {
            throw new UserException($"--validation must be at least 0 (got {a.Validation}).");
        }
        if (a.EarlyStopping is int patience && patience < 1)
        {
            throw new UserException($"--early-stopping must be at least 1 epoch (got {patience}).");
        }
        if (a.EarlyStopping is not null && a.Validation == 0)
        {
            throw new UserException("--early-stopping watches the validation loss: give --validation N too.");
        }
        if (a.TrainLimit is int limit && limit < 1)
        {
            throw new UserException($"--train-limit must be at least 1 (got {limit}).");
        }
        if (a.Resume is not null)
        {
            switch (FileProbe.KindOf(a.Resume))
            {
                case FileKind.Missing:
                    throw new UserException($"--resume: no checkpoint at {Path.GetFullPath(a.Resume)}.");
                case not FileKind.Regular and var kind: // checked before anything opens it: a FIFO would block
                    throw new UserException($"--resume: {Path.GetFullPath(a.Resume)} is {FileProbe.Describe(kind)}, not a checkpoint file.");
            }
        }
    }

    private static LabeledImages Range(LabeledImages images, int start, int count) =>
        new(images.Pixels.AsSpan(start * images.Features, count * images.Features).ToArray(), images.Labels.AsSpan(start, count).ToArray(),
            images.Rows, images.Columns, images.ClassCount);

    private static LabeledImages Head(LabeledImages images, int count) =>
        new(images.Pixels.AsSpan(0, count * images.Features).ToArray(), images.Labels.AsSpan(0, count).ToArray(), images.Rows, images.Columns, images.ClassCount);
}
