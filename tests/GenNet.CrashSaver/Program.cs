using GenNet;
using GenNet.Serialization;

// Usage: GenNet.CrashSaver <model path> <parameter count>
// Saves alternately parameter set 0 and set 1 (CrashSaverSets) to the path, forever. After the first save completes
// it prints "ready", so the parent knows the target exists; then the parent kills it at a random moment.
if (args.Length != 2 || !int.TryParse(args[1], out int count) || count < 1)
{
    Console.Error.WriteLine("usage: GenNet.CrashSaver <model path> <parameter count>");
    return 2;
}

var net = new ArenaOnlyNetwork(count);
for (long save = 0; ; save++)
{
    CrashSaverSets.Fill(net.Parameters, (int)(save % 2));
    ModelFile.Save(net, args[0]);
    if (save == 0)
    {
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
    }
}

/// <summary>The two parameter sets, as functions of the index, so parent and child agree without sharing code.</summary>
internal static class CrashSaverSets
{
    public static void Fill(Span<float> parameters, int set)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = set == 0 ? i : -0.5f - i;
        }
    }
}

/// <summary>An <see cref="INetwork"/> that is only a parameter arena: all ModelFile needs.</summary>
internal sealed class ArenaOnlyNetwork(int count) : INetwork
{
    /// <summary>Architecture and hash the parent loads with.</summary>
    public const string ArchitectureText = "CrashSaver";
    public const ulong Hash = 0xC4A5_11AE_0000_0001UL;

    private readonly float[] _parameters = new float[count];
    public int InputSize => 1;
    public int OutputSize => 1;
    public int ParameterCount => _parameters.Length;
    public int MaxBatchSize => 1;
    public int Threads => 1;
    public Rng? TrainingRng => null;
    public string Architecture => ArchitectureText;
    public ulong ArchitectureHash => Hash;
    public NetworkDescription Description => throw new NotSupportedException();
    public Span<float> Parameters => _parameters;
    public Span<float> Gradients => _parameters;
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count) => throw new NotSupportedException();
    public void Dispose() { }
}
