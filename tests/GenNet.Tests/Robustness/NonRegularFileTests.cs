using System.Diagnostics;
using GenNet.Data;
using GenNet.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 5: FIFOs (with and without a writer), devices and directories given as data, model, checkpoint
/// or classes.txt end in one line and exit 2, never a hang; and so does a bad classes.txt with missing data files.
/// </summary>
public class NonRegularFileTests
{
    public enum Kind { FifoWithoutWriter, FifoWithWriter, DevZero, Directory }

    /// <summary>Puts a FIFO, /dev/zero (through a symbolic link) or a directory at <paramref name="path"/>; dispose closes the FIFO's writer.</summary>
    private static IDisposable? Make(Kind kind, string path)
    {
        switch (kind)
        {
            case Kind.Directory:
                Directory.CreateDirectory(path);
                return null;
            case Kind.DevZero:
                File.CreateSymbolicLink(path, "/dev/zero");
                return null;
            default:
                using (var mkfifo = Process.Start("mkfifo", [path]))
                {
                    mkfifo.WaitForExit();
                    Assert.Equal(0, mkfifo.ExitCode);
                }
                // Opening a FIFO read-write never blocks on Linux: this end is a writer that never writes.
                return kind == Kind.FifoWithWriter ? new FileStream(path, FileMode.Open, FileAccess.ReadWrite) : null;
        }
    }

    public static TheoryData<Kind> Kinds => [Kind.FifoWithoutWriter, Kind.FifoWithWriter, Kind.DevZero, Kind.Directory];

    [PlatformTheory("linux")]
    [MemberData(nameof(Kinds))]
    public void A_data_file_that_is_not_regular_is_refused(Kind kind)
    {
        using var data = new TinyMnist();
        File.Delete(data.DataFile("t10k-images-idx3-ubyte"));
        using var writer = Make(kind, data.DataFile("t10k-images-idx3-ubyte"));
        var result = AppAssert.RunWithin(30, data.Train("--epochs", "1"));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "t10k-images-idx3-ubyte", "not a regular file");
    }

    [PlatformTheory("linux")]
    [MemberData(nameof(Kinds))]
    public void A_classes_txt_that_is_not_regular_is_refused_with_or_without_the_data_files(Kind kind)
    {
        using var data = new TinyMnist();
        using var writer = Make(kind, data.DataFile("classes.txt"));
        var result = AppAssert.RunWithin(30, data.Train("--epochs", "1"));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "classes.txt", "not a regular file");

        File.Delete(data.DataFile("train-labels-idx1-ubyte"));
        var missing = AppAssert.RunWithin(30, data.Train("--epochs", "1"));
        AppAssert.OneLineError(missing, ExitCodes.UsageOrData, "lacks train-labels-idx1-ubyte");
    }

    [PlatformTheory("linux")]
    [MemberData(nameof(Kinds))]
    public void A_model_or_resume_file_that_is_not_regular_is_refused(Kind kind)
    {
        using var data = new TinyMnist();
        using var model = Make(kind, data.File("m.gnet"));
        var evaluate = AppAssert.RunWithin(30, "evaluate", "--model", data.File("m.gnet"), "--data", data.Directory, "--no-download");
        AppAssert.OneLineError(evaluate, ExitCodes.UsageOrData, "Cannot load the model", "not a model file");
        var predict = AppAssert.RunWithin(30, "predict", "--model", data.File("m.gnet"), "--index", "0", "--data", data.Directory, "--no-download");
        AppAssert.OneLineError(predict, ExitCodes.UsageOrData, "Cannot load the model", "not a model file");

        using var checkpoint = Make(kind, data.File("c.gnck"));
        var resume = AppAssert.RunWithin(30, data.Train("--resume", data.File("c.gnck")));
        AppAssert.OneLineError(resume, ExitCodes.UsageOrData, "--resume", "not a checkpoint file");
    }

    [PlatformFact("linux")]
    public void Special_files_as_outputs_are_refused_instead_of_being_replaced()
    {
        using var data = new TinyMnist();
        using var fifo = Make(Kind.FifoWithoutWriter, data.File("out.json"));
        var result = AppAssert.RunWithin(30, data.Train("--metrics", data.File("out.json")));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "--metrics", "a named pipe (FIFO)");
        var devNull = AppAssert.RunWithin(30, data.Train("--save", "/dev/null"));
        AppAssert.OneLineError(devNull, ExitCodes.UsageOrData, "--save /dev/null is a character device");
        Assert.Equal(FileAttributes.None, File.GetAttributes("/dev/null") & FileAttributes.Directory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \n\t\n")]
    [InlineData("a\nb\nc\n")]
    public void An_empty_or_wrong_classes_txt_is_one_line_whatever_files_are_missing(string classes)
    {
        using var data = new TinyMnist();
        File.WriteAllText(data.DataFile("classes.txt"), classes);
        var complete = AppAssert.RunWithin(30, data.Train("--epochs", "1"));
        AppAssert.OneLineError(complete, ExitCodes.UsageOrData, classes.Contains('a') ? "outside the class range 0..2" : "classes.txt");
        foreach (string name in MnistDataset.StandardFiles)
        {
            File.Delete(data.DataFile(name));
            var result = AppAssert.RunWithin(30, data.Train("--epochs", "1"));
            AppAssert.OneLineError(result, ExitCodes.UsageOrData, "lacks", name);
        }
    }

    [Fact]
    public void A_data_path_that_is_a_file_is_refused()
    {
        using var data = new TinyMnist();
        var result = AppAssert.RunWithin(30, "train", "--data", data.DataFile("train-labels-idx1-ubyte"), "--epochs", "1");
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "is a regular file");
    }
}
