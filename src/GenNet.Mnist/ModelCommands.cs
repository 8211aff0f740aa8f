using System.Text;
using GenNet.Data;
using GenNet.Serialization;
using GenNet.Training;
using Spectre.Console;

namespace GenNet.Mnist;

/// <summary><c>evaluate</c> and <c>predict</c>: load a saved model and look at what it does on the test set.</summary>
internal static class ModelCommands
{
    private const int EvaluationBatch = 1000;

    public static int Evaluate(string modelPath, string? dataOption, bool noDownload, Ui ui, CancellationToken interrupt)
    {
        using IClassifier network = LoadModel(modelPath, out Networks.Entry entry);
        MnistDataset data = DataLocator.Load(DataLocator.Resolve(dataOption), !noDownload, ui.Output, interrupt);
        interrupt.ThrowIfCancellationRequested(); // Ctrl+C or SIGTERM while loading: one line, exit 130 or 143
        Networks.CheckData(entry, data);
        int correct = network.Evaluate(data.Test.Pixels, data.Test.Labels, data.Test.Count, out float loss);
        ConfusionMatrix confusion = ConfusionMatrix.Compute(network, data.Test.Pixels, data.Test.Labels, data.Test.Count);
        ui.Line($"model {Path.GetFullPath(modelPath)}: {entry.Name} = {entry.Description.Architecture}");
        ui.Line($"data {data.Directory}: {data.Test.Count:N0} test images");
        ui.Line($"test accuracy {100.0 * correct / data.Test.Count:F2}% ({correct:N0}/{data.Test.Count:N0}), test loss {loss:F4}");
        ui.WriteConfusion(confusion, data.ClassNames);
        return ExitCodes.Ok;
    }

    public static int Predict(string modelPath, int index, string? dataOption, bool noDownload, Ui ui, CancellationToken interrupt)
    {
        using IClassifier network = LoadModel(modelPath, out Networks.Entry entry);
        MnistDataset data = DataLocator.Load(DataLocator.Resolve(dataOption), !noDownload, ui.Output, interrupt);
        interrupt.ThrowIfCancellationRequested(); // Ctrl+C or SIGTERM while loading: one line, exit 130 or 143
        Networks.CheckData(entry, data);
        if (index < 0 || index >= data.Test.Count)
        {
            throw new UserException($"--index must be between 0 and {data.Test.Count - 1} (the test set has {data.Test.Count} images; got {index}).");
        }
        var probabilities = new float[network.OutputSize];
        network.Forward(data.Test.Image(index), probabilities);
        int label = data.Test.Labels[index];
        int predicted = ConfusionMatrix.ArgMax(probabilities);

        ui.Line($"test image {index} of {data.Test.Count} in {data.Directory}; true label {label} ({data.ClassNames[label]})");
        ui.Line(DrawImage(data.Test.Image(index), data.Test.Rows, data.Test.Columns));
        var chart = new Table().Border(TableBorder.Rounded);
        chart.AddColumn("class");
        chart.AddColumn(new TableColumn("probability").RightAligned());
        chart.AddColumn("");
        for (int c = 0; c < probabilities.Length; c++)
        {
            string name = Markup.Escape(Ui.Label(c, data.ClassNames));
            string bar = new string('█', (int)Math.Round(probabilities[c] * 40));
            string mark = c == predicted ? (c == label ? " ← predicted, correct" : " ← predicted") : c == label ? " ← true label" : "";
            chart.AddRow(c == predicted ? $"[bold]{name}[/]" : name, $"{100 * probabilities[c]:F2}%", $"{bar}{mark}");
        }
        ui.Console_.Write(chart);
        ui.Line($"predicted {predicted} ({data.ClassNames[predicted]}) with {100 * probabilities[predicted]:F2}%; true label {label} ({data.ClassNames[label]}): " +
            (predicted == label ? "correct" : "wrong"));
        return ExitCodes.Ok;
    }

    /// <summary>The image as text: each pixel two characters wide (terminal cells are about twice as tall as wide), five shades.</summary>
    public static string DrawImage(ReadOnlySpan<float> pixels, int rows, int columns)
    {
        const string shades = " ░▒▓█";
        var text = new StringBuilder((2 * columns + 3) * (rows + 2));
        text.Append('┌').Append('─', 2 * columns).Append('┐').AppendLine();
        for (int r = 0; r < rows; r++)
        {
            text.Append('│');
            for (int c = 0; c < columns; c++)
            {
                float v = pixels[r * columns + c];
                char shade = shades[Math.Clamp((int)(v * shades.Length), 0, shades.Length - 1)];
                text.Append(shade).Append(shade);
            }
            text.Append('│').AppendLine();
        }
        text.Append('└').Append('─', 2 * columns).Append('┘');
        return text.ToString();
    }

    private static IClassifier LoadModel(string path, out Networks.Entry entry)
    {
        switch (FileProbe.KindOf(path))
        {
            case FileKind.Missing:
                throw new UserException($"Cannot load the model: no file at {Path.GetFullPath(path)}.");
            case not FileKind.Regular and var kind: // checked before anything opens it: a FIFO would block
                throw new UserException($"Cannot load the model: {Path.GetFullPath(path)} is {FileProbe.Describe(kind)}, not a model file.");
        }
        // Model files name their architecture; pick the declared network that matches (ModelFile.Load checks it all).
        entry = Networks.PeekModelHash(path) is ulong hash && Networks.ByHash(hash) is { } known ? known : Networks.All[0];
        IClassifier network = entry.Create(EvaluationBatch, 0, 1);
        try
        {
            ModelFile.Load(network, path);
            return network;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            network.Dispose();
            throw new UserException($"Cannot load the model: {e.Message}");
        }
    }
}
