using GenNet.Training;
using Spectre.Console;

namespace GenNet.Mnist;

/// <summary>
/// Where the app writes: a Spectre console over the output writer (live progress bars only when that writer is
/// the real, unredirected terminal; plain text otherwise) and the error writer for messages.
/// </summary>
internal sealed class Ui
{
    public Ui(TextWriter output, TextWriter error)
    {
        (Output, Error) = (output, error);
        Interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        Console_ = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!Interactive)
        {
            Console_.Profile.Width = 160;
        }
        Console_.Profile.Capabilities.Unicode = true;
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public bool Interactive { get; }
    public IAnsiConsole Console_ { get; }

    /// <summary>One line of plain text; through Spectre when live, so that it lands above the progress bars.</summary>
    public void Line(string text)
    {
        if (Interactive)
        {
            Console_.WriteLine(text);
        }
        else
        {
            Output.WriteLine(text);
        }
    }

    public void Fail(string message) => Error.WriteLine($"error: {message}");

    public void WriteConfusion(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Test confusion matrix (rows: true class, columns: predicted)");
        table.AddColumn(new TableColumn("true \\ predicted"));
        for (int c = 0; c < matrix.Classes; c++)
        {
            table.AddColumn(new TableColumn(c.ToString(Inv)).RightAligned());
        }
        table.AddColumn(new TableColumn("recall").RightAligned());
        for (int r = 0; r < matrix.Classes; r++)
        {
            var cells = new List<string> { Markup.Escape(Label(r, classNames)) };
            int rowTotal = 0;
            for (int c = 0; c < matrix.Classes; c++)
            {
                int count = matrix[r, c];
                rowTotal += count;
                cells.Add(r == c ? $"[bold green]{count}[/]" : count == 0 ? "[grey]·[/]" : count.ToString(Inv));
            }
            cells.Add(rowTotal == 0 ? "-" : $"{100.0 * matrix[r, r] / rowTotal:F1}%");
            table.AddRow(cells.ToArray());
        }
        Console_.Write(table);
    }

    /// <summary>"3" for digits, "3 Dress" for named classes.</summary>
    public static string Label(int index, IReadOnlyList<string> classNames) =>
        classNames[index] == index.ToString(Inv) ? classNames[index] : $"{index} {classNames[index]}";

    public static string EpochLine(EpochRecord e, int epochs) =>
        $"epoch {e.Epoch}/{epochs}  train loss {e.TrainLoss:F4}  train acc {100 * e.TrainAccuracy:F2}%  " +
        (e.ValidationLoss is double vl ? $"val loss {vl:F4}  val acc {100 * e.ValidationAccuracy:F2}%  " : "") +
        $"test loss {e.TestLoss:F4}  test acc {100 * e.TestAccuracy:F2}%  lr {e.LearningRate:G3}  {e.Seconds:F1} s  ({e.SamplesPerSecond:N0} samples/s)";

    public static readonly IFormatProvider Inv = System.Globalization.CultureInfo.InvariantCulture;
}
