using GenNet.Tests.Data;

namespace GenNet.Tests.Mnist;

/// <summary>Bad command lines: System.CommandLine's parse errors exit 1; our own range checks exit 2; never a stack trace.</summary>
public class CliErrorTests
{
    [Theory]
    [InlineData("--epochs", "0", "--epochs must be between 1 and 100000")]
    [InlineData("--batch", "0", "--batch must be between 1 and 60000")]
    [InlineData("--batch", "60001", "--batch must be between 1 and 60000")]
    [InlineData("--lr", "-1", "--lr must be a finite number of at least 1E-30")]
    [InlineData("--lr", "NaN", "--lr must be a finite number of at least 1E-30")]
    [InlineData("--lr", "Infinity", "--lr must be a finite number of at least 1E-30")]
    [InlineData("--lr", "1e-31", "--lr must be a finite number of at least 1E-30")]
    [InlineData("--lr-decay", "1.5", "--lr-decay must be greater than 0 and at most 1")]
    [InlineData("--threads", "0", "--threads must be between 1 and")]
    [InlineData("--threads", "100000", "--threads must be between 1 and")]
    [InlineData("--plot", "plot.txt", "--plot writes a PNG image")]
    [InlineData("--save", "/nonexistent-gennet-dir/model.gnet", "the directory /nonexistent-gennet-dir does not exist")]
    [InlineData("--resume", "/nonexistent-gennet-dir/run.gnck", "--resume: no checkpoint at")]
    [InlineData("--validation", "-1", "--validation must be at least 0")]
    [InlineData("--early-stopping", "3", "--early-stopping watches the validation loss: give --validation N too")]
    [InlineData("--ema", "1", "--ema must be at least 0 and less than 1")]
    [InlineData("--ema", "-0.5", "--ema must be at least 0 and less than 1")]
    [InlineData("--ema", "NaN", "--ema must be at least 0 and less than 1")]
    public void Out_of_range_values_exit_2_with_a_clear_message(string option, string value, string message)
    {
        var result = AppRunner.Run("train", option, value, "--no-download", "--data", "/nonexistent-gennet-data");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error);
        Assert.StartsWith("error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Theory]
    [InlineData("--epochs", "abc")]
    [InlineData("--optimizer", "lbfgs")]
    [InlineData("--arch", "resnet")]
    [InlineData("--no-such-option", "1")]
    public void Parse_errors_exit_1_with_the_parser_message(string option, string value)
    {
        var result = AppRunner.Run("train", option, value);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(option == "--no-such-option" ? "--no-such-option" : value, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Theory]
    [InlineData("train", "--epochs", "abc", "--epochs takes an integer (got 'abc')")]
    [InlineData("train", "--threads", "1.5", "--threads takes an integer (got '1.5')")]
    [InlineData("train", "--batch", "99999999999", "--batch takes an integer no larger than 2147483647 (got '99999999999')")]
    [InlineData("train", "--lr", "fast", "--lr takes a number like 0.001 or 1e-3 (got 'fast')")]
    [InlineData("train", "--lr-decay", "0.9x", "--lr-decay takes a number like 0.001 or 1e-3 (got '0.9x')")]
    [InlineData("train", "--seed", "-1", "--seed takes a whole number from 0 to 18446744073709551615 (got '-1')")]
    [InlineData("train", "--optimizer", "lbfgs", "--optimizer takes one of adam, adamw, momentum, nesterov, rmsprop, sgd (got 'lbfgs')")]
    [InlineData("train", "--arch", "resnet", "--arch takes one of convnet, convnet-deep, mlp1024, mlp1024x2, mlp512 (got 'resnet')")]
    [InlineData("predict", "--index", "first", "--index takes an integer (got 'first')")]
    public void Parse_errors_say_what_the_option_takes_in_words(string command, string option, string value, string message)
    {
        // predict's required --model is given, so the only problem on the line is the one under test.
        var result = command == "predict" ? AppRunner.Run(command, "--model", "m.gnet", option, value) : AppRunner.Run(command, option, value);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {message}\nRun 'gennet-mnist {command} --help' for the options.\n", result.Error.ReplaceLineEndings("\n"));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Options_without_a_command_mean_train()
    {
        var result = AppRunner.Run("--epochs", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--epochs must be", result.Error);
    }

    [Fact]
    public void Missing_data_without_download_says_where_to_put_the_files()
    {
        using var empty = new TempDirectory();
        var result = AppRunner.Run("train", "--data", empty.Path, "--no-download");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(empty.Path, result.Error);
        Assert.Contains("train-images-idx3-ubyte", result.Error);
        Assert.Contains("--data", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Evaluate_needs_a_model()
    {
        var result = AppRunner.Run("evaluate");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--model", result.Error);
    }

    [Fact]
    public void Evaluate_on_a_missing_model_file_says_so()
    {
        using var dir = new TempDirectory();
        var result = AppRunner.Run("evaluate", "--model", dir.File("none.gnet"), "--data", dir.Path, "--no-download");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Cannot load the model: no file at", result.Error);
    }

    [Fact]
    public void Evaluate_on_a_file_that_is_not_a_model_says_so()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("notes.gnet"), "these are not weights");
        var result = AppRunner.Run("evaluate", "--model", dir.File("notes.gnet"), "--no-download");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not a GenNet model file", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Evaluate_on_a_damaged_model_reports_the_checksum()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gnet");
        using (var net = new GenNet.Models.MnistMlp(1, seed: 3))
        {
            GenNet.Serialization.ModelFile.Save(net, path);
        }
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var result = AppRunner.Run("predict", "--model", path, "--index", "0", "--no-download");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("checksum mismatch", result.Error);
    }
}
