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

    public static int Execute(TrainArgs a, Ui ui, CancellationToken interrupt)
    {
        long wallStart = Stopwatch.GetTimestamp();
        Validate(a);
        string? save = OutputPath(a.Save, "--save");
        string? plot = OutputPath(a.Plot, "--plot");
        string? metricsPath = OutputPath(a.Metrics, "--metrics");
        string? checkpointPath = OutputPath(a.Checkpoint, "--checkpoint");
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
        TrainConfig config = resumed?.Config is { } c
            ? c with { Epochs = a.Epochs ?? c.Epochs, Threads = a.Threads, DataDirectory = dataDirectory }
            : new TrainConfig
            {
                Arch = a.Arch, Epochs = a.Epochs ?? DefaultEpochs, Batch = a.Batch, Optimizer = a.Optimizer.ToLowerInvariant(),
                LearningRate = a.LearningRate ?? Optimizers.Create(a.Optimizer, 1).LearningRate,
                LearningRateDecay = a.LearningRateDecay, Seed = a.Seed, Threads = a.Threads, DataDirectory = dataDirectory,
                TrainLimit = a.TrainLimit, Validation = a.Validation, EarlyStopping = a.EarlyStopping,
            };
        Networks.Entry entry = Networks.ByName(config.Arch) ?? throw new UserException($"The checkpoint names an unknown network '{config.Arch}'.");
        config = config with { Architecture = entry.Description.Architecture };

        MnistDataset data = DataLocator.Load(dataDirectory, !a.NoDownload, ui.Output, interrupt);
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
        if (config.Batch > train.Count)
        {
            throw new UserException($"--batch {config.Batch} is larger than the {train.Count} training images.");
        }

        ui.Line($"GenNet MNIST trainer: {entry.Name} = {entry.Description.Architecture} ({entry.Description.ParameterCount:N0} parameters)");
        ui.Line($"data {data.Directory}: {train.Count:N0} training, {data.Test.Count:N0} test images; classes {string.Join(", ", data.ClassNames)}");
        ui.Line($"{config.Optimizer} lr {config.LearningRate:G4}" + (config.LearningRateDecay != 1f ? $" × {config.LearningRateDecay:G4} per epoch" : "") +
            $", batch {config.Batch}, {config.Epochs} epochs, seed {config.Seed}, {config.Threads} thread(s)" +
            (resume is not null ? $"; resuming {a.Resume} after epoch {resume.Trainer.EpochsCompleted}, step {resume.Trainer.StepInEpoch}" : ""));

        using IClassifier network = entry.Create(config.Batch, config.Seed, config.Threads);
        Optimizer optimizer = Optimizers.Create(config.Optimizer, network.ParameterCount, config.LearningRate);
        var sampler = new BatchSampler(train, config.Batch, new Rng(SamplerSeed(config.Seed)));
        float baseRate = config.LearningRate, decay = config.LearningRateDecay;
        var trainer = new Trainer(network, optimizer, sampler)
        {
            TestSet = data.Test,
            AccuracySet = train,
            LearningRateSchedule = decay == 1f ? null : epoch => baseRate * MathF.Pow(decay, epoch - 1),
            ValidationSet = validationSet,
            EarlyStopping = config.EarlyStopping is int patience ? new EarlyStopping(network.ParameterCount, patience) : null,
        };
        var history = new List<EpochRecord>(resumed?.History ?? []);
        double secondsBefore = resumed?.SecondsBefore ?? 0;
        if (resume is not null)
        {
            try
            {
                resume.RestoreInto(network, optimizer, sampler, trainer);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                throw new UserException($"Cannot resume from {a.Resume}: {e.Message}");
            }
        }

        trainer.EpochCompleted = m =>
        {
            var record = new EpochRecord(m.Epoch, m.Steps, m.TrainLoss, m.TrainAccuracy, m.TestLoss, m.TestAccuracy, m.LearningRate, m.Seconds, m.SamplesPerSecond,
                double.IsNaN(m.ValidationLoss) ? null : m.ValidationLoss, double.IsNaN(m.ValidationAccuracy) ? null : m.ValidationAccuracy);
            history.Add(record);
            ui.Line(Ui.EpochLine(record, config.Epochs));
            // The parameters were checked finite just before this callback: the saved model is always a good one.
            if (save is not null)
            {
                ModelFile.Save(network, save);
            }
            if (checkpointPath is not null)
            {
                Checkpoint.Save(Checkpoint.Capture(network, optimizer, config.Optimizer, sampler, trainer,
                    Metadata(config, history, secondsBefore)), checkpointPath);
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
            case TrainingStatus.NonFinite:
                ui.Fail($"training diverged: {result.Message}. " +
                    (save is null ? "" : history.Count > (resumed?.History.Count ?? 0)
                        ? $"{save} keeps the model from epoch {history[^1].Epoch}, the last with finite parameters. "
                        : $"{save} was not written (a file already there is left as it was). ") +
                    "Try a smaller --lr.");
                return ExitCodes.NonFinite;
            case TrainingStatus.Cancelled:
                if (checkpointPath is not null)
                {
                    Checkpoint.Save(Checkpoint.Capture(network, optimizer, config.Optimizer, sampler, trainer,
                        Metadata(config, history, trainingSeconds)), checkpointPath);
                    ui.Error.WriteLine($"Interrupted in epoch {result.Epoch} after step {result.Step}; checkpoint saved to {checkpointPath}.");
                    ui.Error.WriteLine($"Resume with: gennet-mnist train --resume {checkpointPath}" + (a.Data is null ? "" : $" --data {a.Data}"));
                }
                else
                {
                    ui.Error.WriteLine($"Interrupted in epoch {result.Epoch} after step {result.Step}. No --checkpoint was given, so the run cannot be resumed.");
                }
                return ExitCodes.Interrupted;
            case TrainingStatus.EarlyStopped:
                ui.Line($"early stopping after epoch {result.Epoch}: {result.Message}");
                if (save is not null)
                {
                    ModelFile.Save(network, save); // the restored best epoch, not the last one written
                }
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
        ui.Line($"allocated during training (trainer thread, callbacks excluded): {trainer.AllocatedBytes:N0} bytes; " +
            $"by the callbacks (progress display, epoch lines, model/checkpoint saves): {trainer.CallbackAllocatedBytes:N0} bytes");
        if (save is not null)
        {
            ModelFile.Save(network, save);
            ui.Line($"model saved to {save}");
        }
        if (plot is not null)
        {
            Plots.Save(plot, history, confusion, data.ClassNames, $"{entry.Name} {config.Optimizer} lr {config.LearningRate:G3} batch {config.Batch} seed {config.Seed}");
            ui.Line($"plot written to {plot}");
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
            AtomicFile.Write(metricsPath, file => JsonSerializer.Serialize(file, report, AppJsonContext.Default.MetricsReport));
            ui.Line($"metrics written to {metricsPath}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The sampler's generator is seeded apart from the weights' (which use the seed itself).</summary>
    public static ulong SamplerSeed(ulong seed) => seed ^ 0x5851F42D4C957F2DUL;

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
            return (checkpoint, metadata);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserException($"Cannot resume: {e.Message}");
        }
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
        if (a.LearningRate is float lr && (!float.IsFinite(lr) || lr <= 0))
        {
            throw new UserException($"--lr must be a finite number greater than 0 (got {lr}).");
        }
        if (!float.IsFinite(a.LearningRateDecay) || a.LearningRateDecay <= 0 || a.LearningRateDecay > 1)
        {
            throw new UserException($"--lr-decay must be greater than 0 and at most 1 (got {a.LearningRateDecay}).");
        }
        int maxThreads = Environment.ProcessorCount * 4;
        if (a.Threads < 1 || a.Threads > maxThreads)
        {
            throw new UserException($"--threads must be between 1 and {maxThreads} (4 × the {Environment.ProcessorCount} logical cores; got {a.Threads}).");
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
        if (a.Resume is not null && !File.Exists(a.Resume))
        {
            throw new UserException($"--resume: no checkpoint at {Path.GetFullPath(a.Resume)}.");
        }
    }

    /// <summary>The full path of an output file after checking that its directory exists and can be written.</summary>
    internal static string? OutputPath(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UserException($"{option} needs a file name.");
        }
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UserException($"{option} {path} is a directory; give a file name.");
        }
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new UserException($"{option} {path}: the directory {directory} does not exist.");
        }
        string probe = Path.Combine(directory, $".gennet-write-test-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{option} {path}: cannot write in {directory} ({e.Message}).");
        }
        return full;
    }

    private static LabeledImages Range(LabeledImages images, int start, int count) =>
        new(images.Pixels.AsSpan(start * images.Features, count * images.Features).ToArray(), images.Labels.AsSpan(start, count).ToArray(),
            images.Rows, images.Columns, images.ClassCount);

    private static LabeledImages Head(LabeledImages images, int count) =>
        new(images.Pixels.AsSpan(0, count * images.Features).ToArray(), images.Labels.AsSpan(0, count).ToArray(), images.Rows, images.Columns, images.ClassCount);
}
