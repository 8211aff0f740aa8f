namespace GenNet.Mnist;

/// <summary>The options of <c>train</c>, as parsed (not yet validated).</summary>
internal sealed record TrainArgs
{
    public string? Data { get; init; }
    public int? Epochs { get; init; }
    public int Batch { get; init; } = 128;
    /// <summary>Null: the network's own default (<see cref="Networks.Entry.DefaultOptimizer"/>).</summary>
    public string? Optimizer { get; init; }
    public float? LearningRate { get; init; }
    public float LearningRateDecay { get; init; } = 1f;
    public ulong Seed { get; init; }
    public int Threads { get; init; } = 1;
    public string Arch { get; init; } = "mlp512";
    public string? Save { get; init; }
    public string? Plot { get; init; }
    public string? Metrics { get; init; }
    public string? Checkpoint { get; init; }
    public string? Resume { get; init; }
    public bool NoDownload { get; init; }
    public int? TrainLimit { get; init; }
    public int Validation { get; init; }
    public int? EarlyStopping { get; init; }
    public int Shift { get; init; }
    /// <summary>Decay of the weight average the run evaluates and saves; 0 for none.</summary>
    public float Ema { get; init; }
}
