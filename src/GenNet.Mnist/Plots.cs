using System.Globalization;
using GenNet.Mnist.Plotting;
using GenNet.Serialization;
using GenNet.Training;

namespace GenNet.Mnist;

/// <summary>
/// The <c>--plot</c> PNG: one 1950 × 620 image, three panels side by side — loss per epoch (train and test), accuracy
/// per epoch (train and test), and the final test confusion matrix as a heatmap with counts.
/// </summary>
/// <remarks>
/// Drawn into a <see cref="Raster"/> and encoded by <see cref="PngEncoder"/>: no imaging library, no native code, so
/// the trainer and its tool package stay small and run on any platform .NET runs on.
/// </remarks>
internal static class Plots
{
    public const int Width = 1950;
    public const int Height = 620;
    private const int PanelWidth = Width / 3;
    private const int Scale = 2; // font pixels are 2 × 2: 12 pixels a character, 14 high

    public static readonly Rgb TrainColor = new(31, 119, 180);
    public static readonly Rgb TestColor = new(255, 127, 14);
    private static readonly Rgb s_ink = new(34, 34, 34);
    private static readonly Rgb s_grid = new(225, 225, 225);

    public static void Save(string path, IReadOnlyList<EpochRecord> epochs, ConfusionMatrix confusion, IReadOnlyList<string> classNames, string title)
    {
        byte[] png = Render(epochs, confusion, classNames, title);
        // Rendered in memory and written atomically, so a full disk never leaves half a PNG over the previous one.
        AtomicFile.Write(path, file => file.Write(png));
    }

    public static byte[] Render(IReadOnlyList<EpochRecord> epochs, ConfusionMatrix confusion, IReadOnlyList<string> classNames, string title)
    {
        var raster = new Raster(Width, Height, Rgb.White);
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        LineChart(raster, 0, $"{title}\nLoss (cross-entropy)", "loss", x,
            [("train (mean over the epoch)", TrainColor, epochs.Select(e => e.TrainLoss).ToArray()),
             ("test (after the epoch)", TestColor, epochs.Select(e => e.TestLoss).ToArray())]);
        LineChart(raster, PanelWidth, "Accuracy (%)", "accuracy %", x,
            [("train (first <=10,000 images)", TrainColor, epochs.Select(e => 100 * e.TrainAccuracy).ToArray()),
             ("test", TestColor, epochs.Select(e => 100 * e.TestAccuracy).ToArray())]);
        Heatmap(raster, 2 * PanelWidth, confusion, classNames);
        return PngEncoder.Encode(raster);
    }

    private static void LineChart(Raster raster, int left, string title, string yLabel, double[] x,
        (string Label, Rgb Color, double[] Y)[] series)
    {
        string[] titleLines = title.Split('\n');
        int lineHeight = Raster.TextHeight(Scale) + 8;
        int top = 16 + titleLines.Length * lineHeight + 8;
        for (int i = 0; i < titleLines.Length; i++)
        {
            DrawCentered(raster, left + PanelWidth / 2, 16 + i * lineHeight, titleLines[i]);
        }

        double[] all = series.SelectMany(s => s.Y).Where(double.IsFinite).ToArray();
        double yMin = all.Length == 0 ? 0 : all.Min(), yMax = all.Length == 0 ? 1 : all.Max();
        if (yMax - yMin < 1e-9)
        {
            yMin -= 1;
            yMax += 1;
        }
        double padY = 0.06 * (yMax - yMin);
        yMin -= padY;
        yMax += padY;
        double xMin = x.Length == 0 ? 0 : x.Min(), xMax = x.Length == 0 ? 1 : x.Max();
        double padX = Math.Max(0.25, 0.04 * (xMax - xMin));
        xMin -= padX;
        xMax += padX;

        double[] yTicks = NiceTicks(yMin, yMax, 6, out double yStep);
        string[] yTickLabels = yTicks.Select(t => FormatTick(t, yStep)).ToArray();
        int tickLabelWidth = yTickLabels.Max(l => Raster.TextWidth(l, Scale));
        int plotLeft = left + 20 + Raster.TextHeight(Scale) + 12 + tickLabelWidth + 8;
        int plotRight = left + PanelWidth - 24;
        // The legend goes above the plot, one series a row, where it can never hide a curve.
        int rowHeight = Raster.TextHeight(Scale) + 8;
        for (int i = 0; i < series.Length; i++)
        {
            int cy = top + i * rowHeight + rowHeight / 2;
            raster.DrawLine(plotLeft + 8, cy, plotLeft + 38, cy, 2.5, series[i].Color);
            raster.FillDisc(plotLeft + 23, cy, 4.5, series[i].Color);
            raster.DrawText(plotLeft + 48, cy - Raster.TextHeight(Scale) / 2, series[i].Label, Scale, s_ink);
        }
        int plotTop = top + series.Length * rowHeight + 8;
        int plotBottom = Height - 24 - 2 * Raster.TextHeight(Scale) - 16;
        double PixelX(double v) => plotLeft + (v - xMin) / (xMax - xMin) * (plotRight - plotLeft);
        double PixelY(double v) => plotBottom - (v - yMin) / (yMax - yMin) * (plotBottom - plotTop);

        for (int i = 0; i < yTicks.Length; i++)
        {
            int py = (int)Math.Round(PixelY(yTicks[i]));
            raster.FillRectangle(plotLeft, py, plotRight - plotLeft, 1, s_grid);
            raster.FillRectangle(plotLeft - 6, py, 6, 1, s_ink);
            raster.DrawText(plotLeft - 10 - Raster.TextWidth(yTickLabels[i], Scale), py - Raster.TextHeight(Scale) / 2, yTickLabels[i], Scale, s_ink);
        }
        int epochStride = Math.Max(1, (int)Math.Ceiling(x.Length / 10.0));
        for (int e = 0; e < x.Length; e += epochStride)
        {
            int px = (int)Math.Round(PixelX(x[e]));
            string label = x[e].ToString(CultureInfo.InvariantCulture);
            raster.FillRectangle(px, plotBottom, 1, 6, s_ink);
            DrawCentered(raster, px, plotBottom + 10, label);
        }
        raster.DrawRectangle(plotLeft, plotTop, plotRight - plotLeft + 1, plotBottom - plotTop + 1, s_ink);
        DrawCentered(raster, (plotLeft + plotRight) / 2, Height - 16 - Raster.TextHeight(Scale), "epoch");
        raster.DrawTextUpwards(left + 20, (plotTop + plotBottom + Raster.TextWidth(yLabel, Scale)) / 2, yLabel, Scale, s_ink);

        foreach ((_, Rgb color, double[] y) in series)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (!double.IsFinite(y[i]))
                {
                    continue;
                }
                if (i > 0 && double.IsFinite(y[i - 1]))
                {
                    raster.DrawLine(PixelX(x[i - 1]), PixelY(y[i - 1]), PixelX(x[i]), PixelY(y[i]), 2.5, color);
                }
                raster.FillDisc(PixelX(x[i]), PixelY(y[i]), 4.5, color);
            }
        }

    }

    private static void Heatmap(Raster raster, int left, ConfusionMatrix confusion, IReadOnlyList<string> classNames)
    {
        int n = confusion.Classes;
        DrawCentered(raster, left + PanelWidth / 2, 16,
            $"Test confusion matrix ({(100 * confusion.Accuracy).ToString("F2", CultureInfo.InvariantCulture)}% correct)");
        // Short names (MNIST's digits) label both axes; longer ones (Fashion-MNIST's) are written out on the rows
        // after their index, and the columns carry the index alone.
        bool shortNames = classNames.All(c => c.Length <= 2);
        string[] rowLabels = classNames.Select((c, i) => shortNames ? c : $"{i} {c}").ToArray();
        string[] columnLabels = classNames.Select((c, i) => shortNames ? c : i.ToString(CultureInfo.InvariantCulture)).ToArray();

        int top = 16 + Raster.TextHeight(Scale) + 24;
        int labelWidth = rowLabels.Max(l => Raster.TextWidth(l, Scale));
        int gridLeft = left + 20 + Raster.TextHeight(Scale) + 12 + labelWidth + 8;
        int available = Math.Min(left + PanelWidth - 24 - gridLeft, Height - 24 - 2 * Raster.TextHeight(Scale) - 16 - top);
        int cell = Math.Max(1, available / Math.Max(1, n));
        int gridSize = cell * n;
        int gridLeftCentered = gridLeft + (left + PanelWidth - 24 - gridLeft - gridSize) / 2;

        double scaleTop = Math.Log10(1 + confusion.Total / (double)Math.Max(1, n));
        double maxLog = 0;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                maxLog = Math.Max(maxLog, Math.Log10(1 + confusion[r, c]));
            }
        }
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                double log = Math.Log10(1 + confusion[r, c]);
                Rgb color = Viridis(maxLog > 0 ? log / maxLog : 0);
                int cx = gridLeftCentered + c * cell, cy = top + r * cell;
                raster.FillRectangle(cx, cy, cell, cell, color);
                string count = confusion[r, c].ToString(CultureInfo.InvariantCulture);
                int textScale = Raster.TextWidth(count, Scale) - Scale <= cell - 2 ? Scale : 1; // the advance ends in a blank column
                Rgb ink = log > 0.6 * scaleTop ? Rgb.Black : Rgb.White;
                raster.DrawText(cx + (cell - Raster.TextWidth(count, textScale)) / 2 + textScale / 2,
                    cy + (cell - Raster.TextHeight(textScale)) / 2, count, textScale, ink);
            }
            raster.DrawText(gridLeftCentered - 10 - Raster.TextWidth(rowLabels[r], Scale),
                top + r * cell + (cell - Raster.TextHeight(Scale)) / 2, rowLabels[r], Scale, s_ink);
        }
        for (int c = 0; c < n; c++)
        {
            DrawCentered(raster, gridLeftCentered + c * cell + cell / 2, top + gridSize + 8, columnLabels[c]);
        }
        raster.DrawRectangle(gridLeftCentered - 1, top - 1, gridSize + 2, gridSize + 2, s_ink);
        DrawCentered(raster, gridLeftCentered + gridSize / 2, Height - 16 - Raster.TextHeight(Scale), "predicted");
        raster.DrawTextUpwards(left + 20, top + (gridSize + Raster.TextWidth("true", Scale)) / 2, "true", Scale, s_ink);
    }

    /// <summary>Matplotlib's viridis colormap, interpolated between nine of its colours (t in [0, 1]).</summary>
    public static Rgb Viridis(double t)
    {
        ReadOnlySpan<int> stops = [0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725];
        t = Math.Clamp(double.IsFinite(t) ? t : 0, 0, 1) * (stops.Length - 1);
        int i = Math.Min((int)t, stops.Length - 2);
        static Rgb Of(int hex) => new((byte)(hex >> 16), (byte)(hex >> 8), (byte)hex);
        return Rgb.Lerp(Of(stops[i]), Of(stops[i + 1]), t - i);
    }

    private static void DrawCentered(Raster raster, int centerX, int y, string text) =>
        raster.DrawText(centerX - Raster.TextWidth(text, Scale) / 2, y, text, Scale, s_ink);

    /// <summary>Tick values at a step of 1, 2 or 5 × 10^k inside [min, max], at most about <paramref name="target"/> of them.</summary>
    internal static double[] NiceTicks(double min, double max, int target, out double step)
    {
        double raw = (max - min) / Math.Max(1, target);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks.ToArray();
    }

    private static string FormatTick(double value, double step)
    {
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
