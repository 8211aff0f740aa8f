using System.Globalization;

namespace GenNet.Tests.Examples;

// Softmax regression: one Dense layer straight into the loss head.
[Input(4)]
[Dense(3)]
[SoftmaxCrossEntropy]
public partial class IrisClassifier;

/// <summary>
/// The Iris-style example: a table of four flower measurements and a species column, written by the test as CSV
/// (three Gaussian clusters around the classic per-species means), read back, standardised, and fitted.
/// </summary>
public class IrisSoftmaxRegressionTests
{
    private static readonly string[] s_species = ["setosa", "versicolor", "virginica"];

    [Fact]
    public void Softmax_regression_separates_the_three_species()
    {
        using var folder = new Data.TempDirectory();
        string csv = Path.Combine(folder.Path, "iris.csv");
        WriteTable(csv, perSpecies: 50, seed: 1);

        (float[] x, int[] y) = ReadTable(csv);
        int count = y.Length;
        Standardise(x, IrisClassifier.InputSize);

        using var net = new IrisClassifier(count, seed: 2);
        var optimizer = new Adam(IrisClassifier.ParameterCount, learningRate: 0.05f);
        float first = net.TrainStep(x, y, count, optimizer), last = first;
        for (int step = 0; step < 300; step++) last = net.TrainStep(x, y, count, optimizer);

        Assert.True(last < first / 4, $"loss went from {first} to {last}");
        double accuracy = net.Evaluate(x, y, count) / (double)count;
        Assert.True(accuracy >= 0.93, $"accuracy {accuracy:P1}");
    }

    private static void WriteTable(string path, int perSpecies, ulong seed)
    {
        float[][] means = [[5.0f, 3.4f, 1.5f, 0.25f], [5.9f, 2.8f, 4.3f, 1.3f], [6.6f, 3.0f, 5.6f, 2.0f]];
        float[][] spreads = [[0.35f, 0.38f, 0.17f, 0.1f], [0.5f, 0.3f, 0.47f, 0.2f], [0.63f, 0.32f, 0.55f, 0.27f]];
        var rng = new Rng(seed);
        using var writer = new StreamWriter(path);
        writer.WriteLine("sepal_length,sepal_width,petal_length,petal_width,species");
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < perSpecies; i++)
            {
                var cells = Enumerable.Range(0, 4).Select(f => MathF.Max(0.1f, means[s][f] + spreads[s][f] * rng.NextGaussian()).ToString("0.0", CultureInfo.InvariantCulture));
                writer.WriteLine(string.Join(',', cells) + "," + s_species[s]);
            }
        }
    }

    private static (float[] X, int[] Y) ReadTable(string path)
    {
        var x = new List<float>();
        var y = new List<int>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] cells = line.Split(',');
            x.AddRange(cells.Take(4).Select(c => float.Parse(c, CultureInfo.InvariantCulture)));
            y.Add(Array.IndexOf(s_species, cells[4]));
        }
        return (x.ToArray(), y.ToArray());
    }

    private static void Standardise(float[] x, int features)
    {
        int rows = x.Length / features;
        for (int f = 0; f < features; f++)
        {
            double mean = Enumerable.Range(0, rows).Average(r => x[r * features + f]);
            double sd = Math.Sqrt(Enumerable.Range(0, rows).Average(r => Math.Pow(x[r * features + f] - mean, 2)));
            for (int r = 0; r < rows; r++) x[r * features + f] = (float)((x[r * features + f] - mean) / sd);
        }
    }
}
