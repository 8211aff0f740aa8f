using GenNet.Serialization;
using GenNet.Training;
using ScottPlot;

namespace GenNet.Mnist;

/// <summary>
/// The <c>--plot</c> PNG: one image, three panels side by side — loss per epoch (train and test), accuracy per
/// epoch (train and test), and the final test confusion matrix as a heatmap with counts.
/// </summary>
internal static class Plots
{
    public static void Save(string path, IReadOnlyList<EpochRecord> epochs, ConfusionMatrix confusion, IReadOnlyList<string> classNames, string title)
    {
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();

        var loss = new Plot();
        AddLine(loss, x, epochs.Select(e => e.TrainLoss).ToArray(), "train (mean over the epoch's batches)");
        AddLine(loss, x, epochs.Select(e => e.TestLoss).ToArray(), "test (after the epoch)");
        loss.Title("Loss (cross-entropy)");
        loss.XLabel("epoch");
        loss.YLabel("loss");
        loss.ShowLegend(Alignment.UpperRight);
        IntegerTicks(loss, x.Length);

        var accuracy = new Plot();
        AddLine(accuracy, x, epochs.Select(e => 100 * e.TrainAccuracy).ToArray(), "train (first ≤10,000 training images, after the epoch)");
        AddLine(accuracy, x, epochs.Select(e => 100 * e.TestAccuracy).ToArray(), "test");
        accuracy.Title("Accuracy (%)");
        accuracy.XLabel("epoch");
        accuracy.YLabel("accuracy %");
        accuracy.ShowLegend(Alignment.LowerRight);
        IntegerTicks(accuracy, x.Length);

        var heat = new Plot();
        int n = confusion.Classes;
        var log = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                log[r, c] = Math.Log10(1 + confusion[r, c]);
            }
        }
        var heatmap = heat.Add.Heatmap(log);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Row 0 of the array is drawn at the top, as in the console table.
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                var text = heat.Add.Text(confusion[r, c].ToString(System.Globalization.CultureInfo.InvariantCulture), c, n - 1 - r);
                text.LabelFontSize = 11;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = log[r, c] > 0.6 * Math.Log10(1 + confusion.Total / (double)n) ? Colors.Black : Colors.White;
            }
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < n; i++)
        {
            ticks.AddMajor(i, classNames[i]);
            yTicks.AddMajor(n - 1 - i, classNames[i]);
        }
        heat.Axes.Bottom.TickGenerator = ticks;
        heat.Axes.Left.TickGenerator = yTicks;
        heat.Axes.Bottom.TickLabelStyle.Rotation = classNames[0].Length > 2 ? 45 : 0;
        heat.Axes.Bottom.TickLabelStyle.Alignment = classNames[0].Length > 2 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        heat.Axes.Bottom.MinimumSize = classNames[0].Length > 2 ? 110 : 0; // room for the rotated class names
        heat.Title($"Test confusion matrix ({100 * confusion.Accuracy:F2}% correct)");
        heat.XLabel("predicted");
        heat.YLabel("true");

        var multiplot = new Multiplot();
        while (multiplot.Count() > 0)
        {
            multiplot.RemovePlot(multiplot.GetPlot(0)); // a new Multiplot may start with an empty plot
        }
        multiplot.AddPlot(loss);
        multiplot.AddPlot(accuracy);
        multiplot.AddPlot(heat);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        loss.Title($"{title}\nLoss (cross-entropy)");
        // Rendered in memory and written atomically, so a full disk never leaves half a PNG over the previous one.
        using Image image = multiplot.Render(1950, 620);
        byte[] png = image.GetImageBytes(ImageFormat.Png, 100);
        AtomicFile.Write(path, file => file.Write(png));
    }

    private static void AddLine(Plot plot, double[] x, double[] y, string label)
    {
        var scatter = plot.Add.Scatter(x, y);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 7;
    }

    private static void IntegerTicks(Plot plot, int epochs)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int stride = Math.Max(1, epochs / 10);
        for (int e = 1; e <= epochs; e += stride)
        {
            ticks.AddMajor(e, e.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
    }
}
