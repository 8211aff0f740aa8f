using GenNet.Serialization;

namespace GenNet.Data;

/// <summary>
/// MNIST-style data held in memory: the training and test sets from the four standard IDX files of one directory.
/// Works for MNIST, Fashion-MNIST and any other set that uses the same file names.
/// </summary>
/// <remarks>
/// The four files are <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>
/// and <c>t10k-labels-idx1-ubyte</c>, each either raw or gzipped; a name with <c>.gz</c> is looked for after the
/// raw name, but the content decides whether it is decompressed. Class names come from
/// <see cref="Data.ClassNames.ForDirectory"/>: an optional <c>classes.txt</c>, else "fashion" in the path, else digits.
/// </remarks>
public sealed class MnistDataset
{
    /// <summary>The training images file's base name (without <c>.gz</c>).</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte";
    /// <summary>The training labels file's base name (without <c>.gz</c>).</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";
    /// <summary>The test images file's base name (without <c>.gz</c>).</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte";
    /// <summary>The test labels file's base name (without <c>.gz</c>).</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    /// <summary>The four base names, in the order train images, train labels, test images, test labels.</summary>
    public static IReadOnlyList<string> StandardFiles { get; } = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    private MnistDataset(string directory, LabeledImages train, LabeledImages test, IReadOnlyList<string> classNames)
    {
        (Directory, Train, Test, ClassNames) = (directory, train, test, classNames);
    }

    /// <summary>The full path of the directory the files were read from.</summary>
    public string Directory { get; }
    /// <summary>The training set (60,000 images for MNIST).</summary>
    public LabeledImages Train { get; }
    /// <summary>The test set (10,000 images for MNIST).</summary>
    public LabeledImages Test { get; }
    /// <summary>Display name of each class, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Loads the four standard files from <paramref name="directory"/> and checks that they fit together: each
    /// image file has as many images as its label file has labels, and training and test images have one size.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">One or more files are missing; the message lists them and the directory.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the files disagree.</exception>
    /// <exception cref="IOException">A file could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public static MnistDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string fullPath = Path.GetFullPath(directory);
        IReadOnlyList<string> missing = FindMissingFiles(fullPath);
        if (missing.Count > 0)
        {
            string where = System.IO.Directory.Exists(fullPath) ? fullPath : $"{fullPath} (which does not exist)";
            throw new FileNotFoundException(
                $"Missing {string.Join(", ", missing)} (each raw or .gz) in {where}. " +
                "Put the files there, or download them with MnistDownloader.",
                Path.Combine(fullPath, missing[0]));
        }

        IReadOnlyList<string> classNames = Data.ClassNames.ForDirectory(fullPath);
        LabeledImages train = LoadSplit(fullPath, TrainImagesFile, TrainLabelsFile, classNames.Count);
        LabeledImages test = LoadSplit(fullPath, TestImagesFile, TestLabelsFile, classNames.Count);
        if (train.Rows != test.Rows || train.Columns != test.Columns)
        {
            throw new InvalidDataException(
                $"{fullPath}: training images are {train.Rows}×{train.Columns} but test images are {test.Rows}×{test.Columns}; both sets must have one image size.");
        }
        return new MnistDataset(fullPath, train, test, classNames);
    }

    /// <summary>
    /// The path of the entry with base name <paramref name="baseName"/> in <paramref name="directory"/> (raw first,
    /// then .gz), or null. Any entry counts, not only regular files: the reader then says what it is.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> or <paramref name="baseName"/> is null.</exception>
    public static string? FindFile(string directory, string baseName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(baseName);
        // Anything at the name counts (a directory or FIFO too), so that reading it reports what it is instead of
        // the file being called missing.
        string raw = Path.Combine(directory, baseName);
        if (FileProbe.KindOf(raw) != FileKind.Missing)
        {
            return raw;
        }
        string gz = raw + ".gz";
        return FileProbe.KindOf(gz) != FileKind.Missing ? gz : null;
    }

    /// <summary>The base names of the standard files that <paramref name="directory"/> holds neither raw nor gzipped.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    public static IReadOnlyList<string> FindMissingFiles(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return StandardFiles.Where(name => FindFile(directory, name) is null).ToArray();
    }

    private static LabeledImages LoadSplit(string directory, string imagesName, string labelsName, int classCount)
    {
        string imagesPath = FindFile(directory, imagesName)!;
        string labelsPath = FindFile(directory, labelsName)!;
        IdxImages images = IdxReader.ReadImages(imagesPath);
        int[] labels = IdxReader.ReadLabels(labelsPath, classCount);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"{Path.GetFileName(imagesPath)} holds {images.Count} images but {Path.GetFileName(labelsPath)} holds {labels.Length} labels (in {directory}).");
        }
        return new LabeledImages(images.Pixels, labels, images.Rows, images.Columns, classCount);
    }
}
