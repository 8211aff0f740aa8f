using GenNet.Tests.Mnist;

namespace GenNet.Tests.Robustness;

internal static class AppAssert
{
    /// <summary>The run ended with <paramref name="exitCode"/> and exactly one line on stderr, no stack trace, containing every fragment.</summary>
    public static void OneLineError(AppRunner.Result result, int exitCode, params string[] fragments)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string[] lines = result.Error.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, result.ToString());
        Assert.DoesNotContain("   at ", result.Error);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, result.Error);
        }
    }

    /// <summary>Runs the app in-process, failing the test instead of hanging when it takes longer than <paramref name="seconds"/>.</summary>
    public static AppRunner.Result RunWithin(int seconds, params string[] args)
    {
        var run = Task.Run(() => AppRunner.Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(seconds)), $"gennet-mnist {string.Join(' ', args)} still running after {seconds} s");
        return run.Result;
    }
}
