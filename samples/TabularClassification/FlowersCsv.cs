using System.Globalization;
using GenNet;

/// <summary>A CSV table of four numeric features and a class name per row.</summary>
public sealed class FlowersCsv
{
    public required float[] Features { get; init; }
    public required int[] Labels { get; init; }
    /// <summary>The distinct class names, sorted; a label is an index into them.</summary>
    public required string[] ClassNames { get; init; }

    /// <summary>Reads a header line, then "f1,f2,f3,f4,class" rows.</summary>
    /// <exception cref="InvalidDataException">A row is malformed; the message names the line.</exception>
    public static FlowersCsv Read(string path)
    {
        var features = new List<float>();
        var names = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (++lineNumber == 1 || line.Length == 0)
                continue; // the header, and a trailing empty line
            string[] cells = line.Split(',');
            if (cells.Length != 5)
                throw new InvalidDataException($"line {lineNumber} has {cells.Length} cells, not 5 (four features and a class)");
            for (int i = 0; i < 4; i++)
            {
                if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new InvalidDataException($"line {lineNumber}, column {i + 1}: \"{cells[i]}\" is not a finite number");
                features.Add(value);
            }
            names.Add(cells[4].Trim());
        }
        if (names.Count == 0)
            throw new InvalidDataException("the file has no data rows");
        string[] classNames = names.Distinct().Order(StringComparer.Ordinal).ToArray();
        return new FlowersCsv
        {
            Features = features.ToArray(),
            Labels = names.Select(n => Array.IndexOf(classNames, n)).ToArray(),
            ClassNames = classNames,
        };
    }

    /// <summary>Writes 50 rows of each of three species drawn around Iris-like means; returns the path.</summary>
    public static string WriteSynthetic(string path, ulong seed)
    {
        (string Name, float[] Mean, float[] Deviation)[] species =
        [
            ("setosa", [5.0f, 3.4f, 1.5f, 0.25f], [0.35f, 0.38f, 0.17f, 0.1f]),
            ("versicolor", [5.9f, 2.8f, 4.3f, 1.3f], [0.52f, 0.31f, 0.47f, 0.2f]),
            ("virginica", [6.6f, 3.0f, 5.5f, 2.0f], [0.64f, 0.32f, 0.55f, 0.27f]),
        ];
        var rng = new Rng(seed);
        using var writer = new StreamWriter(path);
        writer.WriteLine("sepal_length,sepal_width,petal_length,petal_width,species");
        for (int row = 0; row < 150; row++)
        {
            var (name, mean, deviation) = species[row % 3];
            var cells = Enumerable.Range(0, 4).Select(i => (mean[i] + deviation[i] * rng.NextGaussian()).ToString("F1", CultureInfo.InvariantCulture));
            writer.WriteLine($"{string.Join(',', cells)},{name}");
        }
        return path;
    }

    /// <summary>Each column of <paramref name="train"/> and <paramref name="other"/> becomes (x − mean) / deviation, both taken from <paramref name="train"/>.</summary>
    public static void Standardise(float[] train, float[] other, int columns)
    {
        int rows = train.Length / columns;
        for (int c = 0; c < columns; c++)
        {
            double mean = 0, square = 0;
            for (int r = 0; r < rows; r++)
                mean += train[r * columns + c];
            mean /= rows;
            for (int r = 0; r < rows; r++)
                square += Math.Pow(train[r * columns + c] - mean, 2);
            double deviation = Math.Max(Math.Sqrt(square / rows), 1e-6);
            foreach (float[] x in new[] { train, other })
                for (int i = c; i < x.Length; i += columns)
                    x[i] = (float)((x[i] - mean) / deviation);
        }
    }
}
