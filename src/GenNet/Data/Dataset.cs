namespace GenNet.Data;

/// <summary>
/// Samples held in memory for training or evaluation: <see cref="Inputs"/> is one row-major block of
/// <c>Count × Features</c> floats, and each sample has either a class label (<see cref="Labels"/>, for a classifier)
/// or a row of <see cref="TargetWidth"/> float targets (<see cref="Targets"/>, for a regressor).
/// </summary>
/// <remarks>
/// The arrays are used as they are, not copied: do not change them while a trainer or sampler reads them.
/// <see cref="Split"/> and <see cref="Take"/> make copies, once, before training.
/// </remarks>
public sealed class Dataset
{
    private Dataset(float[] inputs, int features, int[]? labels, int classCount, float[]? targets, int targetWidth, TensorShape? sampleShape)
    {
        (Inputs, Features, Labels, ClassCount, Targets, TargetWidth, SampleShape) = (inputs, features, labels, classCount, targets, targetWidth, sampleShape);
        Count = inputs.Length / features;
    }

    /// <summary>Samples with class labels, for a network ending in <see cref="SoftmaxCrossEntropyAttribute"/>.</summary>
    /// <param name="inputs">Row-major <c>[count × features]</c>, finite values.</param>
    /// <param name="labels">One class per sample, in <c>0..classCount-1</c>.</param>
    /// <param name="features">Floats per sample: the network's input size.</param>
    /// <param name="classCount">Number of classes: at most the network's output size.</param>
    /// <param name="sampleShape">The shape of one sample when it is an image (CHW); null for a flat row of values.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, there is no sample, or a label is out of range (the message gives its index).</exception>
    /// <exception cref="ArgumentException">The arrays do not describe the same number of samples, a value is not finite, or the shape's size is not <paramref name="features"/>.</exception>
    public static Dataset Classification(float[] inputs, int[] labels, int features, int classCount, TensorShape? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckInputs(inputs, labels.Length, features, sampleShape);
        Guard.PositiveCount(classCount);
        Guard.Labels(labels, classCount);
        return new Dataset(inputs, features, labels, classCount, null, 0, sampleShape);
    }

    /// <summary>Samples with float targets, for a network ending in <see cref="MeanSquaredErrorAttribute"/>.</summary>
    /// <param name="inputs">Row-major <c>[count × features]</c>, finite values.</param>
    /// <param name="targets">Row-major <c>[count × targetWidth]</c>, finite values.</param>
    /// <param name="features">Floats per sample: the network's input size.</param>
    /// <param name="targetWidth">Targets per sample: the network's output size.</param>
    /// <param name="sampleShape">The shape of one sample when it is an image (CHW); null for a flat row of values.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or there is no sample.</exception>
    /// <exception cref="ArgumentException">The arrays do not describe the same number of samples, a value is not finite, or the shape's size is not <paramref name="features"/>.</exception>
    public static Dataset Regression(float[] inputs, float[] targets, int features, int targetWidth = 1, TensorShape? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Guard.PositiveCount(targetWidth);
        if (targets.Length % targetWidth != 0)
        {
            throw new ArgumentException($"{targets.Length} targets are not whole rows of {targetWidth}.", nameof(targets));
        }
        CheckInputs(inputs, targets.Length / targetWidth, features, sampleShape);
        Guard.Finite(targets, targetWidth, 0, nameof(targets));
        return new Dataset(inputs, features, null, 0, targets, targetWidth, sampleShape);
    }

    private static void CheckInputs(float[] inputs, int count, int features, TensorShape? sampleShape)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Guard.PositiveCount(features);
        Guard.PositiveCount(count, "the number of samples");
        if ((long)count * features != inputs.Length)
        {
            throw new ArgumentException($"{count} samples of {features} features need {(long)count * features} inputs, not {inputs.Length}.", nameof(inputs));
        }
        if (sampleShape is { } shape && (shape.Channels < 1 || shape.Height < 1 || shape.Width < 1 || (long)shape.Channels * shape.Height * shape.Width != features))
        {
            throw new ArgumentException($"A sample shape of {shape} does not hold {features} features.", nameof(sampleShape));
        }
        Guard.Finite(inputs, features, 0, nameof(inputs));
    }

    /// <summary>Every sample, row-major, one after the other: sample i is <c>Inputs[(i × Features)..((i + 1) × Features)]</c>.</summary>
    public float[] Inputs { get; }
    /// <summary>Floats per sample.</summary>
    public int Features { get; }
    /// <summary>Number of samples.</summary>
    public int Count { get; }
    /// <summary>The shape of one sample when it is an image; null for flat rows.</summary>
    public TensorShape? SampleShape { get; }
    /// <summary>The class of each sample, or null for a regression set.</summary>
    public int[]? Labels { get; }
    /// <summary>Number of classes the labels were checked against (0 for a regression set).</summary>
    public int ClassCount { get; }
    /// <summary>Row-major <c>[Count × TargetWidth]</c> targets, or null for a classification set.</summary>
    public float[]? Targets { get; }
    /// <summary>Targets per sample (0 for a classification set).</summary>
    public int TargetWidth { get; }
    /// <summary>Whether the samples carry class labels (otherwise float targets).</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>
    /// Splits the samples at random into a training set and a validation set of
    /// <c>round(Count × validationFraction)</c> samples (at least 1), both copies; the same seed gives the same split.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1), or it leaves one of the sets empty.</exception>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, ulong seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must lie strictly between 0 and 1.");
        }
        int validationCount = (int)Math.Max(1, Math.Round(Count * validationFraction));
        if (validationCount >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"A validation fraction of {validationFraction} of {Count} samples leaves no training samples.");
        }
        int[] order = new int[Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        new Rng(seed).Shuffle(order);
        return (Gather(order.AsSpan(validationCount)), Gather(order.AsSpan(0, validationCount)));
    }

    /// <summary>A copy of the first <paramref name="count"/> samples (all of them when there are fewer).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public Dataset Take(int count)
    {
        Guard.PositiveCount(count);
        int[] order = new int[Math.Min(count, Count)];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        return Gather(order);
    }

    private Dataset Gather(ReadOnlySpan<int> indices)
    {
        float[] inputs = new float[(long)indices.Length * Features];
        int[]? labels = Labels is null ? null : new int[indices.Length];
        float[]? targets = Targets is null ? null : new float[(long)indices.Length * TargetWidth];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            Inputs.AsSpan(source * Features, Features).CopyTo(inputs.AsSpan(i * Features));
            if (labels is not null)
            {
                labels[i] = Labels![source];
            }
            if (targets is not null)
            {
                Targets.AsSpan(source * TargetWidth, TargetWidth).CopyTo(targets.AsSpan(i * TargetWidth));
            }
        }
        return new Dataset(inputs, Features, labels, ClassCount, targets, TargetWidth, SampleShape);
    }

    /// <summary>Wraps images and labels, whose sizes and labels <see cref="LabeledImages"/> checked, without copying; the pixels must be finite.</summary>
    /// <exception cref="ArgumentException">A pixel is NaN or infinite.</exception>
    internal static Dataset FromImages(LabeledImages images)
    {
        Guard.Finite(images.Pixels, images.Features, 0, "images");
        return new(images.Pixels, images.Features, images.Labels, images.ClassCount, null, 0, new TensorShape(1, images.Rows, images.Columns));
    }

    /// <summary>
    /// Why these samples do not fit <paramref name="network"/>, or null when they do: the input width must match, an
    /// image set must have the network's image shape when the network takes images (so 14×56 pictures are not
    /// 1×28×28 samples although both hold 784 values), a classifier needs labels of at most its OutputSize classes,
    /// and a regressor needs targets of its OutputSize.
    /// </summary>
    public string? MismatchWith(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (MismatchWith(network.Description.Input) is { } shape)
        {
            return shape;
        }
        return network switch
        {
            IClassifier when Labels is null => "the samples have float targets, but the network is a classifier: give class labels (Dataset.Classification)",
            IClassifier when ClassCount > network.OutputSize => $"the labels have {ClassCount} classes but the network outputs {network.OutputSize}",
            IRegressor when Targets is null => "the samples have class labels, but the network is a regressor: give float targets (Dataset.Regression)",
            IRegressor when TargetWidth != network.OutputSize => $"the samples have {TargetWidth} targets each but the network outputs {network.OutputSize}",
            IClassifier or IRegressor => null,
            _ => "the network has no loss head the trainer knows",
        };
    }

    /// <summary>Why these samples are not samples of <paramref name="input"/>, or null when they are.</summary>
    public string? MismatchWith(TensorShape input)
    {
        bool imageInput = input.Height > 1 || input.Width > 1;
        if (imageInput && SampleShape is { } shape && shape != input)
        {
            return $"the samples are {shape} but the network takes {input} samples";
        }
        if (input.Size != Features)
        {
            return SampleShape is { } s && (s.Height > 1 || s.Width > 1)
                ? $"the samples hold {Features} values ({s}) but the network takes {input.Size}"
                : $"the samples hold {Features} values but the network takes {input.Size}";
        }
        return null;
    }
}
