using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GenNet.Data;
using GenNet.Mnist;
using GenNet.Tests.Data;
using GenNet.Tests.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 9: a mirror that accepts and never answers costs at most the total download deadline, then exit 2
/// saying which files to put where; SIGTERM is handled like Ctrl+C (checkpoint, exit 143); an interruption while
/// loading or during the final writes prints one line saying what was and was not written.
/// </summary>
[Collection(HeavyTrainingCollection.Name)] // sets DataLocator's download knobs, which are process-wide
public class InterruptAndDownloadTests
{
    /// <summary>Accepts TCP connections on 127.0.0.1 and never sends a byte.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _held = [];

        public SilentServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        Socket client = await _listener.AcceptSocketAsync();
                        lock (_held)
                        {
                            _held.Add(client);
                        }
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            });
        }

        public int Port { get; }

        public Uri Mirror(string name) => new($"http://127.0.0.1:{Port}/{name}/");

        public void Dispose()
        {
            _listener.Stop();
            lock (_held)
            {
                _held.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public async Task A_mirror_that_never_answers_costs_the_total_deadline_not_files_times_mirrors_times_the_request_timeout()
    {
        using var server = new SilentServer();
        using var tmp = new TempDirectory();
        var downloader = new MnistDownloader
        {
            Mirrors = [server.Mirror("a"), server.Mirror("b")],
            RequestTimeout = TimeSpan.FromSeconds(30),
            TotalTimeout = TimeSpan.FromSeconds(1.5),
        };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DataDownloadException>(() => downloader.DownloadMissingAsync(tmp.Path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(4, e.MissingFiles.Count);
        Assert.Contains("gave up at the total deadline of 1.5 s", e.Message);
        Assert.Contains("not tried", e.Message);
        Assert.Contains($"Put the files (gzipped or not) in {tmp.Path}", e.Message);
        Assert.Empty(tmp.Names()); // no partial file left
    }

    [Fact]
    public void The_app_gives_up_on_a_silent_mirror_within_its_deadline_and_says_where_to_put_the_files()
    {
        using var server = new SilentServer();
        using var tmp = new TempDirectory();
        (IReadOnlyList<Uri> mirrors, TimeSpan deadline) = (DataLocator.DownloadMirrors, DataLocator.DownloadDeadline);
        DataLocator.DownloadMirrors = [server.Mirror("a"), server.Mirror("b")];
        DataLocator.DownloadDeadline = TimeSpan.FromSeconds(1);
        try
        {
            var clock = Stopwatch.StartNew();
            var result = AppAssert.RunWithin(20, "train", "--data", tmp.File("mnist"), "--epochs", "1");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(result.ExitCode == ExitCodes.UsageOrData, result.ToString());
            Assert.StartsWith("error: Could not download train-images-idx3-ubyte.gz", result.Error);
            Assert.Contains($"Put the files (gzipped or not) in {tmp.File("mnist")}", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
            Assert.Empty(Directory.GetFiles(tmp.File("mnist")));
        }
        finally
        {
            (DataLocator.DownloadMirrors, DataLocator.DownloadDeadline) = (mirrors, deadline);
        }
    }

    [Fact]
    public void Ctrl_c_during_a_download_stops_it_at_once_and_leaves_no_partial_file()
    {
        using var server = new SilentServer();
        using var tmp = new TempDirectory();
        (IReadOnlyList<Uri> mirrors, TimeSpan deadline) = (DataLocator.DownloadMirrors, DataLocator.DownloadDeadline);
        DataLocator.DownloadMirrors = [server.Mirror("a")];
        DataLocator.DownloadDeadline = TimeSpan.FromSeconds(60);
        try
        {
            using var interrupt = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var clock = Stopwatch.StartNew();
            var result = AppRunner.Run(interrupt.Token, "train", "--data", tmp.File("mnist"), "--epochs", "1", "--save", tmp.File("m.gnet"));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
            Assert.Equal("Interrupted while loading the data; no model, checkpoint, plot or metrics file was written.", result.Error.TrimEnd());
            Assert.Empty(Directory.GetFiles(tmp.File("mnist")));
            Assert.False(File.Exists(tmp.File("m.gnet")));
        }
        finally
        {
            (DataLocator.DownloadMirrors, DataLocator.DownloadDeadline) = (mirrors, deadline);
        }
    }

    [PlatformFact("linux", "macos")]
    public async Task Sigterm_is_handled_like_ctrl_c_checkpoint_and_exit_143()
    {
        using var data = new TinyMnist();
        string app = Path.Combine(AppContext.BaseDirectory, "gennet-mnist.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])["exec", app, .. data.Train("--epochs", "100000", "--checkpoint", data.File("c.gnck"))])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        string errors = "";
        var stderr = Task.Run(() => errors = process.StandardError.ReadToEnd());
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("epoch 2/", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        await stderr;
        Assert.True(process.ExitCode == ExitCodes.Terminated, $"exit {process.ExitCode}: {errors}");
        Assert.Contains("SIGTERM: stopping after the current step", errors);
        Assert.Contains("checkpoint saved to", errors);
        Assert.DoesNotContain("   at ", errors);
        var resumed = AppAssert.RunWithin(120, data.Train("--resume", data.File("c.gnck"), "--epochs", "3"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
    }

    [Fact]
    public void Ctrl_c_while_loading_the_data_says_nothing_was_written_in_train_evaluate_and_predict()
    {
        using var data = new TinyMnist();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = AppRunner.Run(cancelled.Token, data.Train("--epochs", "1", "--save", data.File("m.gnet")));
        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        Assert.Equal("Interrupted while loading the data; no model, checkpoint, plot or metrics file was written.", result.Error.TrimEnd());
        Assert.False(File.Exists(data.File("m.gnet")));

        using (var net = new GenNet.Models.MnistMlp(1))
        {
            GenNet.Serialization.ModelFile.Save(net, data.File("m.gnet"));
        }
        foreach (string[] args in (string[][])[["evaluate"], ["predict", "--index", "0"]])
        {
            var evaluate = AppRunner.Run(cancelled.Token, [.. args, "--model", data.File("m.gnet"), "--data", data.Directory, "--no-download"]);
            Assert.True(evaluate.ExitCode == ExitCodes.Interrupted, evaluate.ToString());
            Assert.Equal("Interrupted; nothing was written.", evaluate.Error.TrimEnd());
            Assert.Equal("", evaluate.Output);
        }
    }

    /// <summary>Standard output that pulls the interrupt when a line starting with <paramref name="trigger"/> is written.</summary>
    private sealed class InterruptingWriter(string trigger, CancellationTokenSource interrupt) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.StartsWith(trigger, StringComparison.Ordinal) == true)
            {
                interrupt.Cancel();
            }
        }
    }

    [Theory]
    [InlineData("test accuracy", false, "Interrupted during the final writes: wrote none of the final outputs; did not write --save {0}m.gnet, --plot {0}m.png, --metrics {0}m.json ({0}m.gnet holds the model saved after epoch 1).")]
    [InlineData("model saved to", false, "Interrupted during the final writes: wrote --save {0}m.gnet; did not write --plot {0}m.png, --metrics {0}m.json.")]
    [InlineData("metrics written to", true, "Interrupted during the final writes: wrote --save {0}m.gnet, --plot {0}m.png, --metrics {0}m.json.")]
    public void Ctrl_c_during_the_final_writes_says_in_one_line_what_was_and_was_not_written(string trigger, bool plotAndMetricsWritten, string expected)
    {
        using var data = new TinyMnist();
        using var interrupt = new CancellationTokenSource();
        var output = new InterruptingWriter(trigger, interrupt);
        var error = new StringWriter();
        string[] args = data.Train("--epochs", "1", "--save", data.File("m.gnet"), "--plot", data.File("m.png"), "--metrics", data.File("m.json"));
        int code = GenNet.Mnist.Program.Run(args, output, error, interrupt.Token);
        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{output}\n{error}");
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, data.Root + "/"), error.ToString().TrimEnd());
        Assert.True(File.Exists(data.File("m.gnet"))); // saved after the epoch in every case
        Assert.Equal(plotAndMetricsWritten, File.Exists(data.File("m.png")));
        Assert.Equal(plotAndMetricsWritten, File.Exists(data.File("m.json")));
        Assert.Empty(Directory.GetFiles(data.Root, "*.tmp-*"));
    }
}
