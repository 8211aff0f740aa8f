using GenNet.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 2: output paths that name one file, with each other or with an input (data files, the
/// <c>--resume</c> checkpoint), are refused before anything is read or trained, exit 2, links followed.
/// </summary>
public class PathCollisionTests
{
    [Theory]
    [InlineData("--save", "x.gnet", "--metrics", "x.gnet")]
    [InlineData("--save", "x.gnet", "--checkpoint", "x.gnet")]
    [InlineData("--save", "x.png", "--plot", "x.png")]
    [InlineData("--metrics", "x.json", "--checkpoint", "./sub/../x.json")]
    public void Two_outputs_naming_one_file_are_refused_before_training(string first, string firstName, string second, string secondName)
    {
        using var data = new TinyMnist();
        Directory.CreateDirectory(data.File("sub"));
        var result = AppAssert.RunWithin(60, data.Train(first, data.File(firstName), second, data.File(secondName)));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "is the same file", "each output needs its own file");
        Assert.Equal("", result.Output);
        Assert.False(File.Exists(data.File(firstName)));
    }

    [Theory]
    [InlineData("--save", "train-images-idx3-ubyte")]
    [InlineData("--metrics", "t10k-labels-idx1-ubyte")]
    [InlineData("--checkpoint", "train-labels-idx1-ubyte.gz")]
    [InlineData("--save", "classes.txt")]
    public void An_output_onto_a_data_file_is_refused(string option, string name)
    {
        using var data = new TinyMnist();
        byte[] before = File.Exists(data.DataFile(name)) ? File.ReadAllBytes(data.DataFile(name)) : [];
        var result = AppAssert.RunWithin(60, data.Train(option, data.DataFile(name)));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "is the same file", "the data file");
        if (before.Length > 0)
        {
            Assert.Equal(before, File.ReadAllBytes(data.DataFile(name)));
        }
    }

    [Fact]
    public void An_output_onto_the_resume_checkpoint_is_refused_and_the_checkpoint_survives()
    {
        using var data = new TinyMnist();
        string checkpoint = data.File("c.gnck");
        Assert.Equal(0, AppAssert.RunWithin(120, data.Train("--epochs", "1", "--checkpoint", checkpoint)).ExitCode);
        byte[] before = File.ReadAllBytes(checkpoint);
        foreach (string option in (string[])["--save", "--metrics"])
        {
            var result = AppAssert.RunWithin(60, data.Train("--resume", checkpoint, "--epochs", "2", option, checkpoint));
            AppAssert.OneLineError(result, ExitCodes.UsageOrData, "is the same file", "the --resume input");
        }
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Links_are_followed_symbolic_in_any_directory_and_hard()
    {
        using var data = new TinyMnist();
        Directory.CreateDirectory(data.File("real"));
        Directory.CreateSymbolicLink(data.File("alias"), data.File("real"));
        File.CreateSymbolicLink(data.File("link.gnet"), data.File("real/m.gnet"));
        var viaDirectory = AppAssert.RunWithin(60, data.Train("--save", data.File("real/m.gnet"), "--metrics", data.File("alias/m.gnet")));
        AppAssert.OneLineError(viaDirectory, ExitCodes.UsageOrData, "is the same file", data.File("real/m.gnet"));
        var viaFile = AppAssert.RunWithin(60, data.Train("--save", data.File("link.gnet"), "--checkpoint", data.File("alias/m.gnet")));
        AppAssert.OneLineError(viaFile, ExitCodes.UsageOrData, "is the same file");
        var dataLink = AppAssert.RunWithin(60, data.Train("--save", data.File("alias/../data/train-images-idx3-ubyte")));
        AppAssert.OneLineError(dataLink, ExitCodes.UsageOrData, "the data file");

        if (OperatingSystem.IsLinux())
        {
            File.WriteAllBytes(data.File("a.json"), [1]);
            using (var ln = System.Diagnostics.Process.Start("ln", [data.File("a.json"), data.File("b.json")]))
            {
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
            }
            var hard = AppAssert.RunWithin(60, data.Train("--metrics", data.File("a.json"), "--save", data.File("b.json")));
            AppAssert.OneLineError(hard, ExitCodes.UsageOrData, "is the same file");
        }
    }

    [Fact]
    public void Distinct_outputs_beside_each_other_are_accepted()
    {
        using var data = new TinyMnist();
        var result = AppAssert.RunWithin(120, data.Train("--epochs", "1", "--save", data.File("m.gnet"), "--metrics", data.File("m.json"),
            "--checkpoint", data.File("m.gnck"), "--plot", data.File("m.png")));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All((string[])["m.gnet", "m.json", "m.gnck", "m.png"], name => Assert.True(File.Exists(data.File(name)), name));
    }
}
