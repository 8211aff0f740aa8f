using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenNet.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (an OS-chosen free port) for downloader tests: each request gets one
/// response from the handler and the connection is closed. It stops on dispose.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (int Status, byte[] Body)> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer(Func<string, (int Status, byte[] Body)> handler)
    {
        _handler = handler;
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>The server's root, ending with '/'.</summary>
    public Uri BaseUri { get; }

    /// <summary>A mirror base under the root, e.g. <c>Mirror("a")</c> is <c>http://127.0.0.1:port/a/</c>.</summary>
    public Uri Mirror(string name) => new(BaseUri, name + "/");

    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && request.Length < 65536)
                {
                    int read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                Interlocked.Increment(ref _requests);
                string path = request.ToString().Split(' ')[1];
                (int status, byte[] body) = _handler(path);
                string head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Length: {body.Length}\r\n" +
                    "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
