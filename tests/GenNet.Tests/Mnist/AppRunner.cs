namespace GenNet.Tests.Mnist;

/// <summary>Runs gennet-mnist in-process with captured output.</summary>
internal static class AppRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    public static Result Run(params string[] args) => Run(default, args);

    public static Result Run(CancellationToken interrupt, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = global::GenNet.Mnist.Program.Run(args, output, error, interrupt);
        return new Result(code, output.ToString(), error.ToString());
    }
}
