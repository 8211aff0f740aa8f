using System.Globalization;

namespace GenNet.Onnx;

/// <summary>The loss head that ends a network; it decides the exported graph's last node and output name.</summary>
public enum LossHead
{
    /// <summary><c>SoftmaxCrossEntropy</c>: the graph ends in <c>Softmax(axis=1)</c> and outputs class probabilities.</summary>
    SoftmaxCrossEntropy,
    /// <summary><c>MeanSquaredError</c>: the graph outputs the last layer's activations as they are.</summary>
    MeanSquaredError,
}

/// <summary>One fully connected layer: <c>y = act(x·W + b)</c>, <c>W</c> is <c>[Inputs × Units]</c> row-major.</summary>
/// <param name="Inputs">Width of the layer's input.</param>
/// <param name="Units">Width of the layer's output.</param>
/// <param name="Activation">Element-wise activation after the affine map.</param>
/// <param name="Alpha">LeakyReLU's slope for negative inputs (0 for every other activation).</param>
/// <param name="HasBias">Whether a bias vector follows the weights in the parameter arena.</param>
public sealed record DenseDescription(int Inputs, int Units, Activation Activation, float Alpha, bool HasBias)
{
    /// <summary>Floats this layer takes in the parameter arena: the weights, then the bias if any.</summary>
    public long ParameterCount => (long)Inputs * Units + (HasBias ? Units : 0);
}

/// <summary>
/// The layers of a network, read back from its canonical architecture text
/// (<see cref="INetwork.Architecture"/>, e.g. <c>Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy</c>).
/// </summary>
/// <param name="InputSize">Width of one input sample.</param>
/// <param name="Layers">The Dense layers, in order.</param>
/// <param name="Loss">The loss head.</param>
public sealed record ArchitectureDescription(int InputSize, IReadOnlyList<DenseDescription> Layers, LossHead Loss)
{
    /// <summary>The slope the generator gives LeakyReLU when a layer names none (the text always carries it).</summary>
    public const float DefaultLeakyReluAlpha = 0.01f;

    /// <summary>Width of one output row: the last layer's units.</summary>
    public int OutputSize => Layers[^1].Units;

    /// <summary>Floats in the parameter arena: every layer's weights and bias, in order.</summary>
    public long ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>
    /// Parses the text the generator writes: <c>Input(n)</c>, one or more <c>Dense(units[,Activation][,alpha=a][,bias=false])</c>
    /// (each possibly followed by <c>Dropout(rate)</c>, which inference skips), then <c>SoftmaxCrossEntropy</c> or <c>MeanSquaredError</c>, separated by single spaces.
    /// </summary>
    /// <exception cref="FormatException">The text is not in that form; the message quotes the part that is not understood.</exception>
    public static ArchitectureDescription Parse(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        string[] tokens = architecture.Split(' ');
        if (tokens.Length < 3)
        {
            throw Error(architecture, "expected Input(n), at least one Dense(…) and a loss head, separated by single spaces");
        }

        (string firstName, string[] inputArgs) = SplitCall(architecture, tokens[0]);
        if (firstName != "Input" || inputArgs.Length != 1)
        {
            throw Error(architecture, $"'{tokens[0]}' should be Input(n)");
        }
        int width = PositiveInt(architecture, tokens[0], inputArgs[0]);
        int inputSize = width;

        var layers = new List<DenseDescription>();
        for (int t = 1; t < tokens.Length - 1; t++)
        {
            // Dropout acts only while training; the exported inference graph leaves it out, as ONNX Runtime would.
            if (tokens[t].StartsWith("Dropout(", StringComparison.Ordinal) && tokens[t].EndsWith(')') && layers.Count > 0)
            {
                continue;
            }
            DenseDescription layer = ParseDense(architecture, tokens[t], width);
            layers.Add(layer);
            width = layer.Units;
        }

        LossHead loss = tokens[^1] switch
        {
            "SoftmaxCrossEntropy" => LossHead.SoftmaxCrossEntropy,
            "MeanSquaredError" => LossHead.MeanSquaredError,
            _ => throw Error(architecture, $"'{tokens[^1]}' is not a loss head (SoftmaxCrossEntropy or MeanSquaredError)"),
        };
        return new ArchitectureDescription(inputSize, layers, loss);
    }

    private static DenseDescription ParseDense(string architecture, string token, int inputs)
    {
        (string name, string[] args) = SplitCall(architecture, token);
        if (name != "Dense" || args.Length == 0)
        {
            throw Error(architecture, $"'{token}' should be Dense(units[,Activation][,alpha=a][,bias=false])");
        }
        int units = PositiveInt(architecture, token, args[0]);
        Activation activation = Activation.None;
        float? alpha = null;
        bool bias = true;
        for (int a = 1; a < args.Length; a++)
        {
            string arg = args[a];
            if (arg.StartsWith("alpha=", StringComparison.Ordinal))
            {
                if (!float.TryParse(arg.AsSpan(6), NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value <= 0)
                {
                    throw Error(architecture, $"'{arg}' in '{token}' is not a finite alpha above 0");
                }
                alpha = value;
            }
            else if (arg == "bias=false")
            {
                bias = false;
            }
            else if (a == 1)
            {
                activation = arg switch
                {
                    "ReLU" => Activation.ReLU,
                    "LeakyReLU" => Activation.LeakyReLU,
                    "Sigmoid" => Activation.Sigmoid,
                    "Tanh" => Activation.Tanh,
                    _ => throw Error(architecture, $"'{arg}' in '{token}' is not an activation (ReLU, LeakyReLU, Sigmoid, Tanh)"),
                };
            }
            else
            {
                throw Error(architecture, $"'{arg}' in '{token}' is not understood");
            }
        }
        if (alpha is not null && activation != Activation.LeakyReLU)
        {
            throw Error(architecture, $"'{token}' gives alpha to a layer that is not LeakyReLU");
        }
        float slope = activation == Activation.LeakyReLU ? alpha ?? DefaultLeakyReluAlpha : 0f;
        return new DenseDescription(inputs, units, activation, slope, bias);
    }

    /// <summary>Splits <c>Name(a,b,c)</c> into the name and its arguments; a bare <c>Name</c> has none.</summary>
    private static (string Name, string[] Args) SplitCall(string architecture, string token)
    {
        int open = token.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return (token, []);
        }
        if (open == 0 || !token.EndsWith(')') || token.IndexOf('(', open + 1) >= 0)
        {
            throw Error(architecture, $"'{token}' is not of the form Name(arguments)");
        }
        return (token[..open], token[(open + 1)..^1].Split(','));
    }

    private static int PositiveInt(string architecture, string token, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
        {
            throw Error(architecture, $"'{text}' in '{token}' is not a size of at least 1");
        }
        return value;
    }

    private static FormatException Error(string architecture, string what) =>
        new($"Cannot export architecture \"{architecture}\": {what}.");
}
