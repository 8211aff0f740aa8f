using GenNet.Serialization;

namespace GenNet.Data;

/// <summary>Display names of the classes of the standard IDX data sets, indexed by label.</summary>
public static class ClassNames
{
    /// <summary>MNIST (and any digit set): "0" … "9".</summary>
    public static IReadOnlyList<string> Digits { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Fashion-MNIST (Zalando), in label order 0..9.</summary>
    public static IReadOnlyList<string> FashionMnist { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Name of the optional file, beside the IDX files, that names the classes: one per line, in label order.</summary>
    public const string FileName = "classes.txt";

    /// <summary>Largest <c>classes.txt</c> read (64 KiB).</summary>
    public const int MaxFileBytes = 1 << 16;

    /// <summary>
    /// The class names for the data in <paramref name="directory"/>: the lines of its <c>classes.txt</c> when
    /// there is one (blank lines and surrounding spaces ignored); otherwise <see cref="FashionMnist"/> when the
    /// full directory path contains "fashion" (any case); otherwise <see cref="Digits"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="InvalidDataException">
    /// <c>classes.txt</c> is a directory, FIFO or device, is over <see cref="MaxFileBytes"/>, or names no class or more than 256.
    /// </exception>
    /// <exception cref="IOException"><c>classes.txt</c> exists but could not be read.</exception>
    public static IReadOnlyList<string> ForDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullPath = Path.GetFullPath(directory);
        string file = Path.Combine(fullPath, FileName);
        FileKind kind = FileProbe.KindOf(file);
        if (kind != FileKind.Missing)
        {
            if (kind != FileKind.Regular)
            {
                // Checked before opening: a FIFO would block the read until a writer came, a device would never end.
                throw new InvalidDataException($"{file}: {FileProbe.Describe(kind)}, not a regular file.");
            }
            long length = new FileInfo(file).Length;
            if (length > MaxFileBytes)
            {
                throw new InvalidDataException($"{file}: {length} bytes; a list of at most 256 class names fits in {MaxFileBytes}.");
            }
            string[] names = File.ReadAllLines(file).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
            if (names.Length == 0 || names.Length > 256)
            {
                throw new InvalidDataException($"{file}: expected 1 to 256 class names, one per line, but found {names.Length}.");
            }
            return names;
        }
        return fullPath.Contains("fashion", StringComparison.OrdinalIgnoreCase) ? FashionMnist : Digits;
    }
}
