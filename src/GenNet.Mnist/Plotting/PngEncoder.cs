using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GenNet.Serialization;

namespace GenNet.Mnist.Plotting;

/// <summary>
/// Encodes an RGB raster as a PNG file (8 bits per channel, colour type 2, no interlacing): the signature, IHDR, one
/// zlib-compressed IDAT chunk with every row "Sub"-filtered, and IEND, each chunk with its CRC-32.
/// </summary>
/// <remarks>
/// Written here so the trainer needs no imaging library: ScottPlot pulled in 155 MB of native SkiaSharp and HarfBuzz
/// builds for fifteen platforms. The format is PNG (ISO/IEC 15948), sections 5 (chunks), 9.2 (filter type 1) and 10
/// (zlib); System.IO.Compression's <see cref="ZLibStream"/> writes the zlib stream.
/// </remarks>
internal static class PngEncoder
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10];

    public static byte[] Encode(Raster raster)
    {
        int stride = raster.Width * 3;
        var filtered = new byte[raster.Height * (stride + 1)];
        ReadOnlySpan<byte> pixels = raster.Pixels;
        for (int y = 0; y < raster.Height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * stride, stride);
            Span<byte> output = filtered.AsSpan(y * (stride + 1), stride + 1);
            output[0] = 1; // Sub: each byte minus the same channel of the pixel to its left; flat areas become zeros.
            for (int i = 0; i < stride; i++)
            {
                output[1 + i] = (byte)(row[i] - (i >= 3 ? row[i - 3] : 0));
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(filtered);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, raster.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), raster.Height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        // compression 0 (deflate), filter method 0, interlace 0 (none): bytes 10..12 stay zero.

        var png = new MemoryStream();
        png.Write(s_signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        // The CRC covers the chunk type and its data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(Crc32.Append(Crc32.Append(Crc32.Initial, typeBytes), data)));
        png.Write(word);
    }
}
