using System.Diagnostics;
using System.Text.Json;
using GenNet.Tests.Data;

namespace GenNet.Tests.Mnist;

/// <summary>The app on real MNIST (skipped without ../shared/data/mnist): short runs, outputs, divergence, resume, SIGINT.</summary>
[Collection(HeavyTrainingCollection.Name)]
public class AppTrainingTests
{
    private static string Mnist => SharedData.MnistDirectory!;

    [MnistDataFact]
    public void One_adam_epoch_on_6000_images_in_batches_of_32_beats_90_percent_and_writes_model_plot_and_metrics()
    {
        using var tmp = new TempDirectory();
        var result = AppRunner.Run("train", "--data", Mnist, "--train-limit", "6000", "--epochs", "1", "--batch", "32", "--optimizer", "adam", "--threads", "2", "--no-download",
            "--save", tmp.File("m.gnet"), "--plot", tmp.File("p.png"), "--metrics", tmp.File("m.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("epoch 1/1  train loss", result.Output);
        Assert.Contains("Test confusion matrix", result.Output);
        Assert.Contains("allocated during training", result.Output);

        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("m.json")));
        JsonElement root = json.RootElement;
        double accuracy = root.GetProperty("finalTestAccuracy").GetDouble();
        Assert.True(accuracy > 0.90, $"test accuracy {accuracy}");
        Assert.Equal(10_000, root.GetProperty("confusionMatrix").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetInt32()));
        Assert.Equal(1, root.GetProperty("epochs").GetArrayLength());
        Assert.Equal("adam", root.GetProperty("config").GetProperty("optimizer").GetString());
        Assert.True(root.GetProperty("machine").GetProperty("logicalCores").GetInt32() >= 1);
        Assert.True(File.ReadAllBytes(tmp.File("p.png")).AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }));

        var evaluate = AppRunner.Run("evaluate", "--model", tmp.File("m.gnet"), "--data", Mnist, "--no-download");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains($"test accuracy {100 * accuracy:F2}%", evaluate.Output);

        var predict = AppRunner.Run("predict", "--model", tmp.File("m.gnet"), "--index", "0", "--data", Mnist, "--no-download");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Contains("true label 7", predict.Output); // the first MNIST test image is a 7
        Assert.Contains("█", predict.Output);
        string[] lines = predict.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int top = Array.IndexOf(lines, "┌" + new string('─', 56) + "┐");
        Assert.True(top >= 0, predict.Output);
        Assert.All(lines[(top + 1)..(top + 29)], l => Assert.Matches("^│[ ░▒▓█]{56}│$", l)); // 28 rows of 28 double-width pixels
        Assert.Equal("└" + new string('─', 56) + "┘", lines[top + 29]);

        var outOfRange = AppRunner.Run("predict", "--model", tmp.File("m.gnet"), "--index", "10000", "--data", Mnist, "--no-download");
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("--index must be between 0 and 9999", outOfRange.Error);
    }

    [MnistDataFact]
    public void The_convnet_trains_with_adam_unless_told_otherwise_and_its_later_epochs_allocate_nothing()
    {
        string[] common = ["train", "--data", Mnist, "--arch", "convnet", "--train-limit", "512", "--batch", "128", "--epochs", "2", "--threads", "2", "--no-download"];
        var result = AppRunner.Run(common);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("adam lr 0.001, batch 128", result.Output);
        Assert.Contains(", 0 of them after the first epoch", result.Output);
        var told = AppRunner.Run([.. common, "--optimizer", "rmsprop"]);
        Assert.True(told.ExitCode == 0, told.ToString());
        Assert.Contains("rmsprop lr 0.001, batch 128", told.Output);
    }

    [MnistDataFact]
    public void Shifted_training_images_are_announced_and_a_shift_the_images_cannot_take_is_refused()
    {
        string[] common = ["train", "--data", Mnist, "--train-limit", "512", "--epochs", "1", "--no-download"];
        var result = AppRunner.Run([.. common, "--shift", "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("images shifted up to 2 px", result.Output);
        var tooFar = AppRunner.Run([.. common, "--shift", "28"]);
        Assert.Equal(2, tooFar.ExitCode);
        Assert.Contains("--shift 28 is not smaller than the 28×28 images", tooFar.Error);
        var negative = AppRunner.Run([.. common, "--shift", "-1"]);
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("--shift must be at least 0 (got -1)", negative.Error);
    }

    [MnistDataFact]
    public void Validation_split_is_reported_every_epoch_and_early_stopping_keeps_the_best_epoch()
    {
        using var tmp = new TempDirectory();
        var result = AppRunner.Run("train", "--data", Mnist, "--train-limit", "3000", "--validation", "1000", "--early-stopping", "1",
            "--epochs", "30", "--optimizer", "adam", "--lr", "0.01", "--threads", "2", "--no-download", "--save", tmp.File("best.gnet"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2,000 training", result.Output);
        Assert.Contains("val loss", result.Output);
        Assert.Contains("early stopping after epoch", result.Output);
        Assert.True(File.Exists(tmp.File("best.gnet")));
    }

    [MnistDataFact]
    public void Divergence_exits_3_and_leaves_the_previous_model_file_alone()
    {
        using var tmp = new TempDirectory();
        string model = tmp.File("m.gnet");
        byte[] previous = "the last good model"u8.ToArray();
        File.WriteAllBytes(model, previous);
        var result = AppRunner.Run("train", "--data", Mnist, "--train-limit", "2000", "--optimizer", "sgd", "--lr", "1e30",
            "--save", model, "--checkpoint", tmp.File("c.gnck"), "--no-download");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("training diverged: the loss of epoch 1, step ", result.Error);
        Assert.Contains("was not written", result.Error);
        Assert.Equal(previous, File.ReadAllBytes(model));
        Assert.False(File.Exists(tmp.File("c.gnck")));
    }

    [MnistDataFact]
    public void Resuming_an_epoch_checkpoint_in_the_app_gives_the_same_model_file() => ResumeGivesTheSameModelFile([]);

    [MnistDataFact]
    public void With_a_weight_average_the_app_saves_and_resumes_the_average()
    {
        string[] ema = ["--ema", "0.9"];
        ResumeGivesTheSameModelFile(ema);

        // The saved model is the average the epoch lines evaluated, not the training weights the checkpoint continues from.
        using var tmp = new TempDirectory();
        var result = AppRunner.Run("train", "--data", Mnist, "--train-limit", "3000", "--batch", "100", "--epochs", "2", "--no-download",
            "--ema", "0.9", "--save", tmp.File("m.gnet"), "--checkpoint", tmp.File("c.gnck"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("weights averaged (decay 0.9)", result.Output);
        var checkpoint = GenNet.Serialization.Checkpoint.Load(tmp.File("c.gnck"));
        using var model = new GenNet.Models.MnistMlp(1, seed: 0);
        GenNet.Serialization.ModelFile.Load(model, tmp.File("m.gnet"));
        Assert.Equal(checkpoint.Average!.Value.Values, model.Parameters.ToArray());
        Assert.NotEqual(checkpoint.Parameters, model.Parameters.ToArray());
        string lastEpoch = result.Output.Split('\n').Last(l => l.StartsWith("epoch 2/2", StringComparison.Ordinal));
        string accuracy = lastEpoch[(lastEpoch.IndexOf("test acc ", StringComparison.Ordinal) + 9)..].Split(' ')[0];
        Assert.Contains($"test accuracy {accuracy} ", result.Output);
        var evaluate = AppRunner.Run("evaluate", "--model", tmp.File("m.gnet"), "--data", Mnist, "--no-download");
        Assert.Contains($"test accuracy {accuracy} ", evaluate.Output);
    }

    private static void ResumeGivesTheSameModelFile(string[] options)
    {
        using var tmp = new TempDirectory();
        string[] common = ["train", "--data", Mnist, "--train-limit", "3000", "--batch", "100", "--optimizer", "adam", "--seed", "4", "--no-download", .. options];
        Assert.Equal(0, AppRunner.Run([.. common, "--epochs", "2", "--save", tmp.File("straight.gnet")]).ExitCode);
        Assert.Equal(0, AppRunner.Run([.. common, "--epochs", "1", "--checkpoint", tmp.File("c.gnck")]).ExitCode);
        var resumed = AppRunner.Run("train", "--data", Mnist, "--resume", tmp.File("c.gnck"), "--epochs", "2",
            "--threads", "2", "--save", tmp.File("resumed.gnet"), "--metrics", tmp.File("m.json"), "--no-download");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("resuming", resumed.Output);
        Assert.Equal(File.ReadAllBytes(tmp.File("straight.gnet")), File.ReadAllBytes(tmp.File("resumed.gnet")));
        using var json = JsonDocument.Parse(File.ReadAllText(tmp.File("m.json")));
        Assert.Equal(2, json.RootElement.GetProperty("epochs").GetArrayLength()); // the epoch before the checkpoint is kept
    }

    [MnistDataFact]
    public void Resume_rejects_a_damaged_checkpoint_with_exit_2()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("c.gnck"), "GNCK\u0001\0\0\0garbage-garbage"u8.ToArray());
        var result = AppRunner.Run("train", "--data", Mnist, "--resume", tmp.File("c.gnck"), "--no-download");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Cannot resume: c.gnck: damaged or truncated", result.Error);
    }

    [FashionMnistFact]
    public void Fashion_mnist_predictions_name_the_clothes()
    {
        using var tmp = new TempDirectory();
        var train = AppRunner.Run("train", "--data", SharedData.FashionMnistDirectory, "--train-limit", "2000", "--epochs", "1", "--save", tmp.File("f.gnet"));
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("T-shirt/top, Trouser", train.Output);
        var predict = AppRunner.Run("predict", "--model", tmp.File("f.gnet"), "--index", "0", "--data", SharedData.FashionMnistDirectory);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Contains("true label 9 (Ankle boot)", predict.Output);
    }

    /// <summary>The real thing: a separate process gets SIGINT mid-run, checkpoints, exits 130; the resumed run matches a straight one.</summary>
    [MnistDataFact("linux", "macos")]
    public void Sigint_checkpoints_and_exits_130_and_the_resumed_run_matches()
    {
        using var tmp = new TempDirectory();
        string[] common = ["train", "--data", Mnist, "--train-limit", "3000", "--epochs", "12", "--batch", "50", "--seed", "9", "--no-download"];
        Assert.Equal(0, AppRunner.Run([.. common, "--save", tmp.File("straight.gnet")]).ExitCode);

        InterruptAfterTheFirstEpoch([.. common, "--checkpoint", tmp.File("c.gnck"), "--save", tmp.File("partial.gnet")]);

        var resumed = AppRunner.Run("train", "--data", Mnist, "--resume", tmp.File("c.gnck"), "--save", tmp.File("resumed.gnet"), "--no-download");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(tmp.File("straight.gnet")), File.ReadAllBytes(tmp.File("resumed.gnet")));
    }

    /// <summary>
    /// Starts the app as a process, sends it SIGINT once it has printed epoch 1's line, checks that it checkpointed and
    /// exited 130, and returns the epoch the signal stopped (2 or later: the process may have run on before it arrived).
    /// </summary>
    private static int InterruptAfterTheFirstEpoch(string[] arguments)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "gennet-mnist.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["exec", app, .. arguments])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        string errors = "";
        var stderr = Task.Run(() => errors = process.StandardError.ReadToEnd());
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("epoch 1/", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        stderr.Wait();
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {errors}");
        Assert.Contains("checkpoint saved to", errors);
        var stopped = System.Text.RegularExpressions.Regex.Match(errors, @"Interrupted in epoch (\d+) after step");
        Assert.True(stopped.Success, errors);
        return int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An interrupted run with --ema leaves in --save the average of its last whole epoch, as its epoch line evaluated it.</summary>
    [MnistDataFact("linux", "macos")]
    public void Sigint_with_a_weight_average_leaves_the_last_epochs_average_in_the_model_file()
    {
        using var tmp = new TempDirectory();
        string[] common = ["train", "--data", Mnist, "--train-limit", "3000", "--batch", "50", "--seed", "9", "--ema", "0.9", "--no-download"];
        int stopped = InterruptAfterTheFirstEpoch([.. common, "--epochs", "12", "--checkpoint", tmp.File("c.gnck"), "--save", tmp.File("partial.gnet")]);
        Assert.True(stopped >= 2, $"stopped in epoch {stopped}");
        string whole = (stopped - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, AppRunner.Run([.. common, "--epochs", whole, "--checkpoint", tmp.File("one.gnck")]).ExitCode);
        using var model = new GenNet.Models.MnistMlp(1, seed: 0);
        GenNet.Serialization.ModelFile.Load(model, tmp.File("partial.gnet"));
        Assert.Equal(GenNet.Serialization.Checkpoint.Load(tmp.File("one.gnck")).Average!.Value.Values, model.Parameters.ToArray());
    }
}
