namespace GenNet.Tests.Serialization;

/// <summary>
/// An <see cref="INetwork"/> that is only a parameter arena with a chosen architecture, for model file and exporter
/// tests. It reports 3 inputs and 2 outputs; unless given one, its description is one Dense layer 3 → 2 with bias
/// (8 parameters), whatever the arena's length.
/// </summary>
public sealed class FakeNetwork : INetwork
{
    private readonly float[] _parameters;
    private readonly float[] _gradients;

    public FakeNetwork(int parameterCount, string architecture = "Input(3) Dense(2) SoftmaxCrossEntropy", ulong? hash = null, NetworkDescription? description = null)
    {
        _parameters = new float[parameterCount];
        _gradients = new float[parameterCount];
        Architecture = architecture;
        ArchitectureHash = hash ?? Fnv1a(architecture);
        Description = description ?? new NetworkDescription(Architecture, ArchitectureHash, TensorShape.Flat(3),
            [new LayerDescription(new DenseAttribute(2), TensorShape.Flat(3), TensorShape.Flat(2)) { Weights = new(0, 6), Bias = new(6, 2) }],
            LossKind.SoftmaxCrossEntropy, 8);
    }

    public int InputSize => 3;
    public int OutputSize => 2;
    public NetworkDescription Description { get; }
    public int ParameterCount => _parameters.Length;
    public int MaxBatchSize => 1;
    public int Threads => 1;
    public Rng? TrainingRng => null;
    public void Dispose() { }
    public string Architecture { get; }
    public ulong ArchitectureHash { get; }
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _gradients;

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => output.Clear();

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count) => outputs[..(count * OutputSize)].Clear();

    /// <summary>
    /// Fills the parameters with distinctive values, including ones whose bits must survive exactly (all finite:
    /// model files refuse NaN and infinities).
    /// </summary>
    public FakeNetwork Fill(int seed)
    {
        var rng = new Rng((ulong)seed);
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = rng.NextGaussian();
        }
        float[] specials = [-0f, float.Epsilon, float.MaxValue, float.MinValue, BitConverter.Int32BitsToSingle(0x00412345)];
        for (int i = 0; i < Math.Min(specials.Length, _parameters.Length); i++)
        {
            _parameters[i] = specials[i];
        }
        return this;
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
