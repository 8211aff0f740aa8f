using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenNet.Mnist;

/// <summary>The settings of a training run that decide its numbers (stored in checkpoints and metrics files).</summary>
public sealed record TrainConfig
{
    public string Arch { get; init; } = "mlp512";
    public string Architecture { get; init; } = "";
    public int Epochs { get; init; } = 5;
    public int Batch { get; init; } = 128;
    public string Optimizer { get; init; } = "rmsprop";
    public float LearningRate { get; init; }
    public float LearningRateDecay { get; init; } = 1f;
    public ulong Seed { get; init; }
    public int Threads { get; init; } = 1;
    public string DataDirectory { get; init; } = "";
    /// <summary>Trained on the first this-many training images only; null for all.</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Training images held out (the last ones) as the validation set; 0 for none.</summary>
    public int Validation { get; init; }
    /// <summary>Patience of early stopping on the validation loss, or null for none.</summary>
    public int? EarlyStopping { get; init; }
    /// <summary>Largest random shift of the training images, in pixels along each axis; 0 for none.</summary>
    public int Shift { get; init; }
    /// <summary>Decay of the moving average of the weights that is evaluated and saved; 0 for none (the last step's weights).</summary>
    public float Ema { get; init; }
}

/// <summary>One epoch's numbers, as written to the metrics file; <paramref name="AllocatedBytes"/> is what the trainer thread allocated in it, callbacks excluded.</summary>
public sealed record EpochRecord(int Epoch, int Steps, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    float LearningRate, double Seconds, double SamplesPerSecond, double? ValidationLoss = null, double? ValidationAccuracy = null, long AllocatedBytes = 0);

/// <summary>The machine a run was measured on.</summary>
public sealed record MachineInfo(int LogicalCores, string CpuModel, string Os, string Runtime);

/// <summary>The <c>--metrics</c> file.</summary>
public sealed record MetricsReport
{
    public required TrainConfig Config { get; init; }
    public required MachineInfo Machine { get; init; }
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }
    public double FinalTestAccuracy { get; init; }
    public double FinalTestLoss { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>Rows: true class; columns: predicted class.</summary>
    public required int[][] ConfusionMatrix { get; init; }
    public double TotalSeconds { get; init; }
    public long AllocatedBytesDuringTraining { get; init; }
    public long AllocatedBytesByProgressDisplay { get; init; }
    public bool Resumed { get; init; }
}

/// <summary>The metadata string of the app's checkpoints: configuration and the epochs already done.</summary>
public sealed record CheckpointMetadata(TrainConfig Config, IReadOnlyList<EpochRecord> History, double SecondsBefore);

/// <summary>Source-generated serialisation (no reflection: the app stays trimming- and AOT-friendly).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MetricsReport))]
[JsonSerializable(typeof(CheckpointMetadata))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

internal static class Machine
{
    public static MachineInfo Describe() => new(Environment.ProcessorCount, CpuModel(),
        System.Runtime.InteropServices.RuntimeInformation.OSDescription, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and >= 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "unknown";
    }
}
