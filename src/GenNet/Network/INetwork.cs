namespace GenNet;

/// <summary>
/// What every generated network offers, whatever its layers. Trainers, benchmarks and model files take this
/// (or <see cref="IClassifier"/> / <see cref="IRegressor"/>) so that they work with any declared network.
/// </summary>
/// <remarks>
/// Inputs are row-major <c>[count × InputSize]</c>, outputs row-major <c>[count × OutputSize]</c>.
/// After construction no member allocates. Results are bit-identical for any thread count. Dispose stops the
/// worker threads of a multi-threaded network.
/// </remarks>
public interface INetwork : IDisposable
{
    /// <summary>Width of one input sample.</summary>
    int InputSize { get; }
    /// <summary>Width of one output row (class probabilities for a softmax network).</summary>
    int OutputSize { get; }
    /// <summary>Number of trainable floats in <see cref="Parameters"/>.</summary>
    int ParameterCount { get; }
    /// <summary>Largest batch the network was constructed for; training steps take at most this many samples.</summary>
    int MaxBatchSize { get; }
    /// <summary>Threads each layer's matrix products are split over (1 unless the constructor was given more).</summary>
    int Threads { get; }
    /// <summary>
    /// The worker threads the network's kernels split over, or null when it runs on one thread. Hand it to
    /// <see cref="Data.BatchSampler.TryNextBatch(out ReadOnlySpan{float}, out ReadOnlySpan{int}, out int, WorkerPool?)"/>
    /// so the batch copy splits over the same threads (a second pool would fight this one for the cores).
    /// </summary>
    WorkerPool? Workers => null;
    /// <summary>Canonical text of the declared layers, e.g. <c>Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy</c>.</summary>
    string Architecture { get; }
    /// <summary>64-bit FNV-1a hash of <see cref="Architecture"/>, computed at build time; model files carry it.</summary>
    ulong ArchitectureHash { get; }
    /// <summary>
    /// The layers as values: each one's kind, input and output shapes, activation and slices of <see cref="Parameters"/>,
    /// with the loss head, <see cref="Architecture"/> and its hash. Generated networks expose the same instance as a
    /// static <c>Description</c> property. Read it instead of parsing <see cref="Architecture"/>.
    /// </summary>
    NetworkDescription Description { get; }
    /// <summary>The parameter arena: every weight and bias, one contiguous block (layout in the generated file's header).</summary>
    Span<float> Parameters { get; }
    /// <summary>The gradient arena, same layout as <see cref="Parameters"/> (empty for an inference-only network).</summary>
    Span<float> Gradients { get; }
    /// <summary>
    /// True for a network built for prediction only (a generated network's static <c>ForInference</c>): it has no
    /// gradient, activation-gradient or mask buffers, and its training members throw <see cref="InvalidOperationException"/>.
    /// </summary>
    bool IsInferenceOnly => false;
    /// <summary>
    /// The generator behind training-time randomness (dropout masks), or null when training is deterministic.
    /// Checkpoints save and restore its state.
    /// </summary>
    Rng? TrainingRng { get; }
    /// <summary>Runs one sample through the network.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);
    /// <summary>Runs <paramref name="count"/> samples (any number: larger counts go in chunks of <see cref="MaxBatchSize"/>).</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count);
}

/// <summary>A network ending in <see cref="SoftmaxCrossEntropyAttribute"/>: integer class labels.</summary>
public interface IClassifier : INetwork
{
    /// <summary>Forward, mean cross-entropy and backward: overwrites <see cref="INetwork.Gradients"/>; returns the mean loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int count);
    /// <summary><see cref="ComputeGradients"/> followed by one step of <paramref name="optimizer"/>; returns the mean loss.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int count, Optimizer optimizer);
    /// <summary>Number of samples whose most probable class equals the label; also gives the mean loss.</summary>
    int Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int count, out float meanLoss);
    /// <summary>Number of samples whose most probable class equals the label.</summary>
    int Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int count);
}

/// <summary>A network ending in <see cref="MeanSquaredErrorAttribute"/>: float targets of width OutputSize.</summary>
public interface IRegressor : INetwork
{
    /// <summary>Forward, mean squared error and backward: overwrites <see cref="INetwork.Gradients"/>; returns the loss.</summary>
    float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count);
    /// <summary><see cref="ComputeGradients"/> followed by one step of <paramref name="optimizer"/>; returns the loss.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count, Optimizer optimizer);
    /// <summary>Mean squared error over <paramref name="count"/> samples, without gradients.</summary>
    float Loss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count);
}
