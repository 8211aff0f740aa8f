using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;

namespace GenNet.Mnist;

/// <summary>Entry point of gennet-mnist: <c>train</c> (the default), <c>evaluate</c>, <c>predict</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl+C (SIGINT) or SIGTERM asks the command to stop where it safely can: training finishes the
        // current step, checkpoints and exits 130 (143 for SIGTERM); loading the data, evaluating and the final
        // writes stop before the next file and print one line saying what was and was not written. A second
        // signal ends the process at once.
        Action<PosixSignalContext> stop = context =>
        {
            if (interrupt.IsCancellationRequested)
            {
                return;
            }
            context.Cancel = true;
            s_terminated = context.Signal == PosixSignal.SIGTERM;
            if (TrainingInProgress)
            {
                Console.Error.WriteLine($"{(s_terminated ? "SIGTERM" : "Interrupt")}: stopping after the current step (press Ctrl+C again to quit at once)…");
            }
            interrupt.Cancel();
        };
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop);
        return Run(args, Console.Out, Console.Error, interrupt.Token);
    }

    /// <summary>True while a training loop watches the interrupt token (set by <c>train</c>).</summary>
    internal static volatile bool TrainingInProgress;

    private static volatile bool s_terminated;

    /// <summary>The exit code of a run stopped by a signal: 143 after SIGTERM, else 130 (Ctrl+C, or a cancelled token in tests).</summary>
    internal static int InterruptExitCode => s_terminated ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Runs the app in-process with the given writers (tests use this); returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken interrupt = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var ui = new Ui(output, error);
        RootCommand root = Cli.Build(ui, interrupt);
        ParseResult parsed = root.Parse(Cli.WithDefaultCommand(args));
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            // One line per problem and where the options are listed, instead of the whole help text.
            foreach (ParseError problem in parsed.Errors)
            {
                ui.Fail(Cli.Describe(problem));
            }
            string command = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
            error.WriteLine($"Run 'gennet-mnist {command}--help' for the options.");
            return ExitCodes.ParseError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }
}
