using GenNet.Tests.Data;

namespace GenNet.Tests.Robustness;

/// <summary>
/// A data directory of four small 28×28 IDX files (300 training, 100 test images, labels 0..9; the label decides
/// which band of rows is bright), so that app tests train for real in a fraction of a second.
/// </summary>
public sealed class TinyMnist : IDisposable
{
    public const int TrainCount = 300, TestCount = 100;

    private readonly TempDirectory _root = new();

    /// <param name="rows">Image rows (28 unless given); <paramref name="rows"/> × <paramref name="columns"/> must be 784.</param>
    /// <param name="columns">Image columns.</param>
    public TinyMnist(int rows = 28, int columns = 28)
    {
        Directory = System.IO.Path.Combine(_root.Path, "data");
        System.IO.Directory.CreateDirectory(Directory);
        Write("train", TrainCount, rows, columns);
        Write("t10k", TestCount, rows, columns);
    }

    /// <summary>The data directory (under <see cref="Root"/>).</summary>
    public string Directory { get; }

    /// <summary>A scratch directory for outputs, beside the data directory.</summary>
    public string Root => _root.Path;

    public string File(string name) => _root.File(name);

    public string DataFile(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>train … --data DIR --no-download --train-limit-free: the common start of an app command line.</summary>
    public string[] Train(params string[] more) => ["train", "--data", Directory, "--no-download", "--batch", "50", .. more];

    private void Write(string prefix, int count, int rows, int columns)
    {
        byte[] labels = Enumerable.Range(0, count).Select(i => (byte)(i * 7 % 10)).ToArray();
        byte[] images = IdxBytes.Images(count, rows, columns, p =>
        {
            int image = p / 784, row = p % 784 / 28;
            return (byte)(row / 3 == labels[image] ? 200 + p % 50 : p * 13 % 40);
        });
        System.IO.File.WriteAllBytes(DataFile($"{prefix}-images-idx3-ubyte"), images);
        System.IO.File.WriteAllBytes(DataFile($"{prefix}-labels-idx1-ubyte"), IdxBytes.Labels(labels));
    }

    public void Dispose() => _root.Dispose();
}
