using System.Security.Cryptography;
using GenNet.Data;

namespace GenNet.Tests.Data;

public class MnistDownloaderTests
{
    private static readonly Dictionary<string, byte[]> s_files = new()
    {
        ["train-images-idx3-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Images(4, 2, 2)),
        ["train-labels-idx1-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Labels(1, 2, 3, 4)),
        ["t10k-images-idx3-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Images(2, 2, 2)),
        ["t10k-labels-idx1-ubyte.gz"] = IdxBytes.Gzip(IdxBytes.Labels(5, 6)),
    };

    private static readonly Dictionary<string, string> s_checksums =
        s_files.ToDictionary(kv => kv.Key, kv => Convert.ToHexString(SHA256.HashData(kv.Value)));

    /// <summary>Serves the test files under /good/; /bad/ serves wrong bytes; /fail/ answers 500.</summary>
    private static (int, byte[]) Handle(string path)
    {
        string[] parts = path.Trim('/').Split('/');
        if (parts.Length != 2 || !s_files.TryGetValue(parts[1], out byte[]? body))
        {
            return (404, []);
        }
        return parts[0] switch
        {
            "good" => (200, body),
            "bad" => (200, [.. body, 0]),
            "slow" => Slow(body),
            _ => (500, "boom"u8.ToArray()),
        };
    }

    private static (int, byte[]) Slow(byte[] body)
    {
        Thread.Sleep(4000); // well past the 1 s timeout below, even on a loaded machine
        return (200, body);
    }

    private static MnistDownloader Downloader(LoopbackHttpServer server, params string[] mirrors) => new()
    {
        Mirrors = mirrors.Select(server.Mirror).ToArray(),
        Checksums = s_checksums,
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Right_files_land_under_their_final_names_and_load()
    {
        using var server = new LoopbackHttpServer(Handle);
        using var dir = new TempDirectory();

        var downloaded = await Downloader(server, "good").DownloadMissingAsync(dir.Path);

        Assert.Equal(4, downloaded.Count);
        Assert.Equal(s_files.Keys.Order(StringComparer.Ordinal), dir.Names());
        Assert.Equal(s_files["t10k-labels-idx1-ubyte.gz"], File.ReadAllBytes(dir.File("t10k-labels-idx1-ubyte.gz")));
        Assert.Equal([5, 6], MnistDataset.Load(dir.Path).Test.Labels);
    }

    [Fact]
    public async Task Present_files_are_not_downloaded_again()
    {
        using var server = new LoopbackHttpServer(Handle);
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), IdxBytes.Images(4, 2, 2)); // raw counts as present
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte.gz"), s_files["train-labels-idx1-ubyte.gz"]);

        var downloaded = await Downloader(server, "good").DownloadMissingAsync(dir.Path);

        Assert.Equal(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], downloaded);
        Assert.Equal(2, server.Requests);
    }

    [Theory]
    [InlineData("bad", "SHA-256 mismatch")]
    [InlineData("fail", "500")]
    public async Task Failure_leaves_nothing_behind_and_says_where_to_put_the_files(string mirror, string reason)
    {
        using var server = new LoopbackHttpServer(Handle);
        using var dir = new TempDirectory();

        var e = await Assert.ThrowsAsync<DataDownloadException>(() => Downloader(server, mirror).DownloadMissingAsync(dir.Path));

        Assert.Empty(dir.Names());
        Assert.Equal(4, e.MissingFiles.Count);
        Assert.Contains("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains(server.Mirror(mirror) + "t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Contains($"in {Path.GetFullPath(dir.Path)},", e.Message);
        Assert.Contains("--data", e.Message);
        Assert.Contains("GENNET_DATA", e.Message);
    }

    [Fact]
    public async Task Falls_back_to_the_next_mirror()
    {
        using var server = new LoopbackHttpServer(Handle);
        using var dir = new TempDirectory();

        var downloaded = await Downloader(server, "fail", "bad", "good").DownloadMissingAsync(dir.Path);

        Assert.Equal(4, downloaded.Count);
        Assert.Equal(s_files.Keys.Order(StringComparer.Ordinal), dir.Names());
        Assert.Equal(12, server.Requests);
    }

    [Fact]
    public async Task A_slow_mirror_times_out_and_the_next_is_tried()
    {
        using var server = new LoopbackHttpServer(Handle);
        using var dir = new TempDirectory();
        var downloader = new MnistDownloader
        {
            Mirrors = [server.Mirror("slow"), server.Mirror("good")],
            Checksums = s_checksums,
            RequestTimeout = TimeSpan.FromSeconds(1),
            Log = new StringWriter(),
        };

        var downloaded = await downloader.DownloadMissingAsync(dir.Path);

        Assert.Equal(4, downloaded.Count);
        Assert.Contains("timed out after 1 s", downloader.Log.ToString());
        Assert.Equal(s_files.Keys.Order(StringComparer.Ordinal), dir.Names());
    }

    [Fact]
    public async Task Unreachable_mirror_gives_a_clear_error()
    {
        // A port nobody listens on: take a free one and close it again.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var dir = new TempDirectory();
        var downloader = new MnistDownloader
        {
            Mirrors = [new Uri($"http://127.0.0.1:{port}/mnist/")],
            Checksums = s_checksums,
            RequestTimeout = TimeSpan.FromSeconds(10),
        };

        var e = await Assert.ThrowsAsync<DataDownloadException>(() => downloader.DownloadMissingAsync(dir.Path));

        Assert.Contains($"http://127.0.0.1:{port}/mnist/train-labels-idx1-ubyte.gz", e.Message);
        Assert.Empty(dir.Names());
    }

    [Fact]
    public void Defaults_are_the_official_checksums()
    {
        Assert.Equal(4, MnistDownloader.OfficialSha256.Count);
        Assert.Equal("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", MnistDownloader.OfficialSha256["train-images-idx3-ubyte.gz"]);
        Assert.NotEmpty(MnistDownloader.DefaultMirrors);
        Assert.All(MnistDownloader.DefaultMirrors, m => Assert.EndsWith("/", m.AbsoluteUri));
    }
}
