using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GenNet.Mnist;

/// <summary>The command line: options, their parsing, and the glue to the commands.</summary>
internal static class Cli
{
    private static readonly string[] s_commands = ["train", "evaluate", "predict"];
    private static readonly string[] s_rootOnly = ["-h", "--help", "-?", "/?", "/h", "--version"];

    /// <summary><c>train</c> is the default: with no command (nothing, or options only), "train" is put in front.</summary>
    public static string[] WithDefaultCommand(string[] args) =>
        args.Length == 0 || (!s_commands.Contains(args[0]) && args[0].StartsWith('-') && !s_rootOnly.Contains(args[0]))
            ? ["train", .. args]
            : args;

    public static RootCommand Build(Ui ui, CancellationToken interrupt)
    {
        var root = new RootCommand("Train, evaluate and query GenNet MNIST classifiers. With no command, trains (see 'train --help').");
        root.Subcommands.Add(BuildTrain(ui, interrupt));
        root.Subcommands.Add(BuildEvaluate(ui, interrupt));
        root.Subcommands.Add(BuildPredict(ui, interrupt));
        return root;
    }

    private static Option<string?> DataOption() => new("--data")
    {
        Description = $"Directory with the four MNIST-format IDX files (raw or .gz). Default: $GENNET_DATA, else ./{DataLocator.DefaultDirectory}",
    };

    private static Option<bool> NoDownloadOption() => new("--no-download") { Description = "Do not try to download missing MNIST files" };

    private static Command BuildTrain(Ui ui, CancellationToken interrupt)
    {
        var data = DataOption();
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs to train (default {TrainCommand.DefaultEpochs}; with --resume, the new total)" };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size, 1..60000", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string?>("--optimizer") { Description = "Optimizer (default: the network's: rmsprop for the MLPs, adam for the convnets)" };
        optimizer.AcceptOnlyFromAmong([.. Optimizers.Names]);
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default: the optimizer's: 1e-3 for rmsprop/adam/adamw, 0.01 for sgd/momentum/nesterov)" };
        var lrDecay = new Option<float>("--lr-decay") { Description = "Multiply the learning rate by this after every epoch, in (0, 1]", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weights and of the shuffling", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Threads for the matrix products (results are identical for any count)", DefaultValueFactory = _ => 1 };
        var arch = new Option<string>("--arch") { Description = "Network: " + Networks.Summary, DefaultValueFactory = _ => Networks.All[0].Name };
        arch.AcceptOnlyFromAmong(Networks.Names);
        var save = new Option<string?>("--save") { Description = "Write the model here (.gnet) after every epoch whose parameters are finite" };
        var plot = new Option<string?>("--plot") { Description = "Write loss, accuracy and confusion-matrix plots to this PNG" };
        var metrics = new Option<string?>("--metrics") { Description = "Write per-epoch numbers, confusion matrix, config and machine to this JSON file" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Write a resumable checkpoint here after every epoch and on Ctrl+C" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint (its network, optimizer, batch and seed are used)" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on the first N training images only (quick runs)" };
        var validation = new Option<int>("--validation") { Description = "Hold out the last N training images as a validation set, evaluated every epoch", DefaultValueFactory = _ => 0 };
        var earlyStopping = new Option<int?>("--early-stopping") { Description = "Stop when the validation loss has not improved for N epochs and keep the best epoch (needs --validation)" };
        var shift = new Option<int>("--shift") { Description = "Move each training image by a random whole number of pixels, up to N along each axis, anew every epoch (seeded; 0 = off)", DefaultValueFactory = _ => 0 };
        var ema = new Option<float>("--ema") { Description = "Evaluate and save a moving average of the weights, updated after every step with this decay, in [0, 1) (e.g. 0.999; 0 = off, the last step's weights)", DefaultValueFactory = _ => 0f };
        var noDownload = NoDownloadOption();

        var command = new Command("train", "Train a network on MNIST (or Fashion-MNIST with --data) and report test accuracy")
        {
            data, epochs, batch, optimizer, lr, lrDecay, seed, threads, arch, save, plot, metrics, checkpoint, resume, trainLimit, validation, earlyStopping, shift, ema, noDownload,
        };
        command.SetAction(p => Guarded(ui, () => TrainCommand.Execute(new TrainArgs
        {
            Data = p.GetValue(data), Epochs = p.GetValue(epochs), Batch = p.GetValue(batch), Optimizer = p.GetValue(optimizer),
            LearningRate = p.GetValue(lr), LearningRateDecay = p.GetValue(lrDecay), Seed = p.GetValue(seed), Threads = p.GetValue(threads),
            Arch = p.GetValue(arch)!, Save = p.GetValue(save), Plot = p.GetValue(plot), Metrics = p.GetValue(metrics),
            Checkpoint = p.GetValue(checkpoint), Resume = p.GetValue(resume), TrainLimit = p.GetValue(trainLimit), NoDownload = p.GetValue(noDownload),
            Validation = p.GetValue(validation), EarlyStopping = p.GetValue(earlyStopping), Shift = p.GetValue(shift),
            Ema = p.GetValue(ema),
        }, ui, interrupt)));
        return command;
    }

    private static Command BuildEvaluate(Ui ui, CancellationToken interrupt)
    {
        var model = new Option<string>("--model") { Description = "Model file written by 'train --save'", Required = true };
        var data = DataOption();
        var noDownload = NoDownloadOption();
        var command = new Command("evaluate", "Test accuracy, loss and confusion matrix of a saved model") { model, data, noDownload };
        command.SetAction(p => Guarded(ui, () => ModelCommands.Evaluate(p.GetValue(model)!, p.GetValue(data), p.GetValue(noDownload), ui, interrupt)));
        return command;
    }

    private static Command BuildPredict(Ui ui, CancellationToken interrupt)
    {
        var model = new Option<string>("--model") { Description = "Model file written by 'train --save'", Required = true };
        var index = new Option<int>("--index") { Description = "Index of the test image, from 0", Required = true };
        var data = DataOption();
        var noDownload = NoDownloadOption();
        var command = new Command("predict", "Draw one test image and show the model's class probabilities") { model, index, data, noDownload };
        command.SetAction(p => Guarded(ui, () => ModelCommands.Predict(p.GetValue(model)!, p.GetValue(index), p.GetValue(data), p.GetValue(noDownload), ui, interrupt)));
        return command;
    }

    /// <summary>
    /// A parse error worded for people: "--epochs takes an integer (got 'abc')" where System.CommandLine would say
    /// "… as expected type 'System.Nullable`1[System.Int32]'", and the choices on one line; other errors (an unknown
    /// option, a missing value) keep System.CommandLine's message.
    /// </summary>
    public static string Describe(ParseError error)
    {
        OptionResult? result = error.SymbolResult switch
        {
            OptionResult direct => direct,
            ArgumentResult { Parent: OptionResult parent } => parent,
            _ => null,
        };
        if (result is null || result.Tokens.Count == 0)
        {
            return error.Message;
        }
        Option option = result.Option;
        string value = result.Tokens[^1].Value;
        string[] choices = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToArray();
        string? expected = (Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) switch
        {
            Type t when t == typeof(int) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) =>
                long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "an integer no larger than 2147483647" : "an integer",
            Type t when (t == typeof(float) || t == typeof(double)) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
                "a number like 0.001 or 1e-3",
            Type t when t == typeof(ulong) && !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) =>
                "a whole number from 0 to 18446744073709551615",
            Type t when t == typeof(string) && choices.Length > 0 && !choices.Contains(value) =>
                "one of " + string.Join(", ", choices),
            _ => null,
        };
        return expected is null ? error.Message : $"{option.Name} takes {expected} (got '{value}')";
    }

    /// <summary>Our own errors become one line on stderr and their exit code (2 unless said otherwise), never a stack trace.</summary>
    private static int Guarded(Ui ui, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UserException e)
        {
            ui.Fail(e.Message);
            return e.ExitCode;
        }
        catch (InterruptedRunException e)
        {
            ui.Error.WriteLine(e.Message);
            return Program.InterruptExitCode;
        }
        catch (OperationCanceledException)
        {
            ui.Error.WriteLine("Interrupted; nothing was written.");
            return Program.InterruptExitCode;
        }
    }
}
