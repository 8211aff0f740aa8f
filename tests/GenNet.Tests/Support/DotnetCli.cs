using System.Diagnostics;
using System.Text;

namespace GenNet.Tests;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, for tests that pack, build or run a project end to end.</summary>
internal static class DotnetCli
{
    /// <summary>What a finished command printed and returned.</summary>
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}\n{Output}";
    }

    /// <summary>
    /// Test classes that run MSBuild on the repository share this collection, so they run one after the other: on two
    /// cores they would only slow each other down, and two builds of one project at once could trip over each other.
    /// </summary>
    public const string Collection = "dotnet CLI";

    /// <summary>The configuration this test assembly was built in, so packing reuses the binaries it tested.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> and waits at most
    /// <paramref name="timeout"/>. No build servers or reused nodes: they would outlive the test holding its pipes open.
    /// </summary>
    public static Task<Result> RunAsync(string workingDirectory, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, arguments, timeout, environment);

    /// <summary>Runs a program (a published native binary, say) the same way.</summary>
    public static Task<Result> RunExecutableAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout) =>
        RunAsync(executable, Path.GetDirectoryName(executable)!, arguments, timeout, null);

    private static async Task<Result> RunAsync(string fileName, string workingDirectory, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The test host runs inside an MSBuild-driven `dotnet test`: drop the variables that would point a nested
        // build at the outer one's MSBuild, and keep the nested one from leaving servers behind.
        foreach (string name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment is not null)
        {
            foreach ((string name, string value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s:\n{output}");
        }
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }
}
