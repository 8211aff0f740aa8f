using GenNet.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 1: a full disk or a read-only target while writing the model, a checkpoint, the metrics or the
/// plot ends in one line and exit code 4 (2 when refused up front), the previous file intact, no temporary file left.
/// </summary>
[Collection(Mnist.HeavyTrainingCollection.Name)]
public class WriteFaultTests
{
    private static readonly byte[] s_previous = "the previous good file"u8.ToArray();

    [TmpfsFact]
    public void A_full_disk_while_saving_the_model_after_an_epoch_exits_4_and_keeps_the_previous_model()
    {
        using var data = new TinyMnist();
        using var disk = SmallTmpfs.Create("1m"); // the model is 1.6 MB
        File.WriteAllBytes(disk.File("m.gnet"), s_previous);
        var result = AppAssert.RunWithin(120, data.Train("--epochs", "2", "--save", disk.File("m.gnet")));
        AppAssert.OneLineError(result, ExitCodes.WriteFailed, "cannot write --save", "No space left on device", "training stopped after epoch 1");
        Assert.Equal(s_previous, File.ReadAllBytes(disk.File("m.gnet")));
        Assert.Equal(["m.gnet"], disk.Names());
    }

    [TmpfsFact]
    public void A_full_disk_while_writing_a_checkpoint_exits_4_and_keeps_the_previous_checkpoint()
    {
        using var data = new TinyMnist();
        using var disk = SmallTmpfs.Create("2m"); // a checkpoint of RMSprop holds 2 × 1.6 MB
        File.WriteAllBytes(disk.File("c.gnck"), s_previous);
        var result = AppAssert.RunWithin(120, data.Train("--epochs", "1", "--checkpoint", disk.File("c.gnck")));
        AppAssert.OneLineError(result, ExitCodes.WriteFailed, "cannot write --checkpoint");
        Assert.Equal(s_previous, File.ReadAllBytes(disk.File("c.gnck")));
        Assert.Equal(["c.gnck"], disk.Names());
    }

    [TmpfsFact]
    public void A_full_disk_at_the_final_writes_exits_4_for_metrics_and_plot_and_keeps_each_previous_file()
    {
        using var data = new TinyMnist();
        foreach ((string option, string name) in (ReadOnlySpan<(string, string)>)[("--metrics", "m.json"), ("--plot", "p.png")])
        {
            using var disk = SmallTmpfs.Create("256k");
            File.WriteAllBytes(disk.File(name), s_previous);
            disk.Fill();
            var result = AppAssert.RunWithin(120, data.Train("--epochs", "1", "--save", data.File("m.gnet"), option, disk.File(name)));
            AppAssert.OneLineError(result, ExitCodes.WriteFailed, $"cannot write {option}", "No space left on device", $"written before it: --save {data.File("m.gnet")}");
            Assert.Contains("model saved to", result.Output); // the writes before it went through
            Assert.Equal(s_previous, File.ReadAllBytes(disk.File(name)));
            Assert.Equal([name], disk.Names());
        }
    }

    [TmpfsFact]
    public void A_read_only_target_is_refused_before_training_with_exit_2()
    {
        using var data = new TinyMnist();
        using var disk = SmallTmpfs.Create("4m");
        File.WriteAllBytes(disk.File("m.gnet"), s_previous);
        disk.MakeReadOnly();
        foreach (string option in (string[])["--save", "--checkpoint", "--metrics", "--plot"])
        {
            string name = option == "--plot" ? "m.png" : "m.gnet";
            var result = AppAssert.RunWithin(60, data.Train("--epochs", "1", option, disk.File(name)));
            AppAssert.OneLineError(result, ExitCodes.UsageOrData, $"{option} ", "cannot write in");
            Assert.DoesNotContain("epoch 1/1", result.Output);
        }
        Assert.Equal(s_previous, File.ReadAllBytes(disk.File("m.gnet")));
    }
}
