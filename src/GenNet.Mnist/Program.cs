using System.CommandLine;
using System.Runtime.InteropServices;

namespace GenNet.Mnist;

/// <summary>Entry point of gennet-mnist: <c>train</c> (the default), <c>evaluate</c>, <c>predict</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // During training, the first Ctrl+C finishes the current step, checkpoints and exits 130; a second one, or
        // one at any other time (loading, evaluating), ends the process at once as usual.
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            if (TrainingInProgress && !interrupt.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine("Interrupt: stopping after the current step (press Ctrl+C again to quit at once)…");
                interrupt.Cancel();
            }
        });
        return Run(args, Console.Out, Console.Error, interrupt.Token);
    }

    /// <summary>True while a training loop watches the interrupt token (set by <c>train</c>).</summary>
    internal static volatile bool TrainingInProgress;

    /// <summary>Runs the app in-process with the given writers (tests use this); returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken interrupt = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var ui = new Ui(output, error);
        RootCommand root = Cli.Build(ui, interrupt);
        ParseResult parsed = root.Parse(Cli.WithDefaultCommand(args));
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }
}
