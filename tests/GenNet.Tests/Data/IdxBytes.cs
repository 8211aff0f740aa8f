using System.Buffers.Binary;
using System.IO.Compression;

namespace GenNet.Tests.Data;

/// <summary>Builds IDX files byte by byte, so that tests can write valid and deliberately broken ones.</summary>
public static class IdxBytes
{
    public static byte[] Build(int magic, int[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        }
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Images(int count, int rows, int columns, Func<int, byte>? pixel = null)
    {
        var payload = new byte[count * rows * columns];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = pixel?.Invoke(i) ?? (byte)(i * 37 % 256);
        }
        return Build(0x0803, [count, rows, columns], payload);
    }

    public static byte[] Labels(params byte[] labels) => Build(0x0801, [labels.Length], labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }
        return output.ToArray();
    }
}
