using System.Buffers.Binary;
using System.Text.Json.Nodes;
using GenNet.Data;
using GenNet.Mnist;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Tests.Serialization;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 7: checkpoints and model files edited by hand, with a recomputed valid CRC, are refused on load
/// with a message naming the field; <see cref="ModelFile.Save(INetwork, string)"/> refuses non-finite parameters.
/// </summary>
public class EditedFileTests : IClassFixture<EditedFileTests.GoodRun>
{
    /// <summary>One real checkpoint and model (one epoch of the tiny set, RMSprop, a weight average), written once for all the cases.</summary>
    public sealed class GoodRun : IDisposable
    {
        public GoodRun()
        {
            var result = AppAssert.RunWithin(120, Data.Train("--epochs", "1", "--ema", "0.9", "--checkpoint", Data.File("good.gnck"), "--save", Data.File("good.gnet")));
            Assert.True(result.ExitCode == 0, result.ToString());
            Checkpoint = Checkpoint.Load(Data.File("good.gnck"));
        }

        public TinyMnist Data { get; } = new();

        public Checkpoint Checkpoint { get; }

        public void Dispose() => Data.Dispose();
    }

    private readonly GoodRun _run;

    public EditedFileTests(GoodRun run) => _run = run;

    private static Checkpoint Copy(Checkpoint c, string? optimizer = null, float? learningRate = null, long? steps = null, float[]? parameters = null,
        float[]? state = null, SamplerState? sampler = null, GenNet.Training.TrainerState? trainer = null, string? metadata = null,
        GenNet.Training.WeightAverageState? average = null, bool noAverage = false) => new()
    {
        Architecture = c.Architecture, ArchitectureHash = c.ArchitectureHash, Parameters = parameters ?? c.Parameters,
        OptimizerName = optimizer ?? c.OptimizerName, LearningRate = learningRate ?? c.LearningRate, OptimizerSteps = steps ?? c.OptimizerSteps,
        OptimizerState = state ?? c.OptimizerState, Sampler = sampler ?? c.Sampler, Trainer = trainer ?? c.Trainer, TrainingRng = c.TrainingRng,
        Average = noAverage ? null : average ?? c.Average, Metadata = metadata ?? c.Metadata,
    };

    private static float[] With(float[] values, int index, float value)
    {
        float[] copy = (float[])values.Clone();
        copy[index] = value;
        return copy;
    }

    private static string EditMetadata(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    public static TheoryData<string, string> Edits => new()
    {
        { "learning rate NaN", "'learning rate'" },
        { "learning rate negative", "'learning rate'" },
        { "unknown optimizer", "'optimizer name'" },
        { "negative steps", "'optimizer steps'" },
        { "NaN parameter", "'parameters'" },
        { "infinite optimizer state", "'optimizer state'" },
        { "negative sampler epoch", "'sampler epoch'" },
        { "all-zero generator", "'sampler generator state'" },
        { "total steps below the step in epoch", "'trainer total steps'" },
        { "samples without steps", "'trainer samples in epoch'" },
        { "empty metadata {}", "'config'" },
        { "batch 0", "'config.batch'" },
        { "batch -5", "'config.batch'" },
        { "config learning rate NaN", "'config.learningRate'" },
        { "config optimizer differs", "'config.optimizer'" },
        { "unknown arch", "'config.arch'" },
        { "decay 2", "'config.learningRateDecay'" },
        { "no history", "'history'" },
        { "history too long", "'history'" },
        { "step beyond the epoch", "step 99 of an epoch" },
        { "average decay 1", "'weight average decay'" },
        { "average updates negative", "'weight average updates'" },
        { "average updates beyond the steps", "'weight average updates'" },
        { "average NaN", "'weight average'" },
        { "average too short", "'weight average'" },
        { "config ema differs", "'config.ema'" },
        { "average dropped", "'config.ema'" },
    };

    private static Checkpoint Edit(Checkpoint c, string edit)
    {
        GenNet.Training.TrainerState t = c.Trainer;
        return edit switch
        {
            "learning rate NaN" => Copy(c, learningRate: float.NaN),
            "learning rate negative" => Copy(c, learningRate: -0.001f),
            "unknown optimizer" => Copy(c, optimizer: "adagrad"),
            "negative steps" => Copy(c, steps: -1),
            "NaN parameter" => Copy(c, parameters: With(c.Parameters, 1234, float.NaN)),
            "infinite optimizer state" => Copy(c, state: With(c.OptimizerState, 7, float.PositiveInfinity)),
            "negative sampler epoch" => Copy(c, sampler: c.Sampler with { Epoch = -1 }),
            "all-zero generator" => Copy(c, sampler: c.Sampler with { Rng = default }),
            "total steps below the step in epoch" => Copy(c, sampler: c.Sampler with { Epoch = c.Sampler.Epoch + 1, InEpoch = true, Position = 100 },
                trainer: t with { StepInEpoch = 2, SamplesInEpoch = 100, TotalSteps = 1 }),
            "samples without steps" => Copy(c, trainer: t with { SamplesInEpoch = 50 }),
            "empty metadata {}" => Copy(c, metadata: "{}"),
            "batch 0" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["batch"] = 0)),
            "batch -5" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["batch"] = -5)),
            "config learning rate NaN" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["learningRate"] = "NaN")),
            "config optimizer differs" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["optimizer"] = "adam")),
            "unknown arch" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["arch"] = "resnet")),
            "decay 2" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["learningRateDecay"] = 2)),
            "no history" => Copy(c, metadata: EditMetadata(c.Metadata, m => m.Remove("history"))),
            "history too long" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["history"]!.AsArray().Add(m["history"]![0]!.DeepClone()))),
            // 99 steps into an epoch of 300 samples in batches of 50 (6 steps), with every counter made to agree.
            "step beyond the epoch" => Copy(c, steps: c.OptimizerSteps + 99,
                sampler: c.Sampler with { Epoch = c.Sampler.Epoch + 1, InEpoch = true, Position = 300 },
                trainer: t with { StepInEpoch = 99, SamplesInEpoch = 300, TotalSteps = t.TotalSteps + 99, LossSum = 1 }),
            "average decay 1" => Copy(c, average: c.Average!.Value with { Decay = 1f }),
            "average updates negative" => Copy(c, average: c.Average!.Value with { Updates = -3 }),
            "average updates beyond the steps" => Copy(c, average: c.Average!.Value with { Updates = c.Trainer.TotalSteps + 1 }),
            "average NaN" => Copy(c, average: c.Average!.Value with { Values = With(c.Average.Value.Values, 77, float.NaN) }),
            "average too short" => Copy(c, average: c.Average!.Value with { Values = c.Average.Value.Values[1..] }),
            "config ema differs" => Copy(c, metadata: EditMetadata(c.Metadata, m => m["config"]!["ema"] = 0.5)),
            "average dropped" => Copy(c, noAverage: true),
            _ => throw new ArgumentException(edit),
        };
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void A_hand_edited_checkpoint_with_a_valid_checksum_is_refused_naming_the_field(string edit, string field)
    {
        var (data, good) = (_run.Data, _run.Checkpoint);
        using var tmp = new TempDirectory();
        string path = tmp.File("edited.gnck");
        File.WriteAllBytes(path, Edit(good, edit).Serialize()); // Serialize recomputes the CRC
        var result = AppAssert.RunWithin(60, data.Train("--resume", path, "--epochs", "2", "--save", tmp.File("m.gnet")));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "Cannot resume", field);
        Assert.False(File.Exists(tmp.File("m.gnet")));
    }

    [Fact]
    public void The_unedited_checkpoint_resumes()
    {
        var (data, good) = (_run.Data, _run.Checkpoint);
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("same.gnck"), Copy(good).Serialize());
        var result = AppAssert.RunWithin(60, data.Train("--resume", tmp.File("same.gnck"), "--epochs", "2"));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_model_file_holding_a_non_finite_weight_with_a_valid_checksum_is_refused(float value)
    {
        TinyMnist data = _run.Data;
        using var tmp = new TempDirectory();
        byte[] bytes = File.ReadAllBytes(data.File("good.gnet"));
        int architectureBytes = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(24 + architectureBytes + 4 * 1000), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        File.WriteAllBytes(tmp.File("edited.gnet"), bytes);
        var result = AppAssert.RunWithin(60, "evaluate", "--model", tmp.File("edited.gnet"), "--data", data.Directory, "--no-download");
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "invalid field 'parameters': parameter 1000 is");
    }

    [Fact]
    public void ModelFile_Save_refuses_non_finite_parameters_and_leaves_the_previous_file()
    {
        using var tmp = new TempDirectory();
        var net = new FakeNetwork(10).Fill(3);
        ModelFile.Save(net, tmp.File("m.gnet"));
        byte[] before = File.ReadAllBytes(tmp.File("m.gnet"));
        net.Parameters[4] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(net, tmp.File("m.gnet")));
        Assert.Contains("Parameter 4 is NaN", e.Message);
        Assert.Equal(before, File.ReadAllBytes(tmp.File("m.gnet")));
        Assert.Equal(["m.gnet"], tmp.Names());
    }
}
