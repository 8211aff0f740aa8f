using GenNet.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, classes 3 and 4: learning rates decayed below what a float holds stop at the 1e-30 floor (and resume);
/// a loss that stays finite but grows by orders of magnitude stops the run like a NaN, exit 3, previous model kept.
/// </summary>
public class TrainingLimitsTests
{
    [Fact]
    public void A_learning_rate_decayed_below_float_range_stays_at_the_floor_and_its_checkpoint_resumes()
    {
        using var data = new TinyMnist();
        string checkpoint = data.File("c.gnck");
        var first = AppAssert.RunWithin(120, data.Train("--epochs", "2", "--lr-decay", "1e-30", "--checkpoint", checkpoint));
        Assert.True(first.ExitCode == 0, first.ToString());
        var resumed = AppAssert.RunWithin(120, data.Train("--resume", checkpoint, "--epochs", "4", "--save", data.File("m.gnet")));
        Assert.True(resumed.ExitCode == 0, resumed.ToString()); // 1e-3 × 1e-30^2 underflows to 0 without the floor
        Assert.Contains("epoch 4/4", resumed.Output);
        Assert.Contains("lr 1E-30", resumed.Output);
        Assert.True(File.Exists(data.File("m.gnet")));
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("rmsprop")]
    public void A_finite_loss_grown_by_orders_of_magnitude_exits_3_and_keeps_the_previous_model(string optimizer)
    {
        using var data = new TinyMnist();
        string model = data.File("m.gnet");
        byte[] previous = "the last good model"u8.ToArray();
        File.WriteAllBytes(model, previous);
        var result = AppAssert.RunWithin(120, data.Train("--epochs", "3", "--optimizer", optimizer, "--lr", "1e6", "--save", model,
            "--checkpoint", data.File("c.gnck")));
        AppAssert.OneLineError(result, ExitCodes.NonFinite, "training diverged", "over 1000 × the lowest loss of the run", "was not written");
        Assert.Equal(previous, File.ReadAllBytes(model));
        Assert.False(File.Exists(data.File("c.gnck")));
    }

    [Fact]
    public void The_divergence_rule_leaves_ordinary_training_alone()
    {
        using var data = new TinyMnist();
        var result = AppAssert.RunWithin(120, data.Train("--epochs", "3", "--optimizer", "sgd", "--lr", "0.5"));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
