using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GenNet.Mnist;
using GenNet.Mnist.Plotting;
using GenNet.Serialization;
using GenNet.Training;

namespace GenNet.Tests.Mnist;

/// <summary>
/// The <c>--plot</c> image, decoded here by a PNG reader independent of the encoder: valid chunks and CRCs, the
/// declared size, and the curves and heatmap actually drawn.
/// </summary>
public class PlotTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_plot_is_a_valid_png_with_both_curves_and_the_heatmap(bool longClassNames)
    {
        EpochRecord[] epochs = Enumerable.Range(1, 5)
            .Select(e => new EpochRecord(e, 10, 1.0 / e, 0.8 + 0.03 * e, 1.2 / e, 0.78 + 0.03 * e, 1e-3f, 1, 1000)).ToArray();
        var confusion = new ConfusionMatrix(10);
        for (int i = 0; i < 1000; i++)
        {
            confusion.Add(i % 10, i % 7 == 0 ? (i + 1) % 10 : i % 10);
        }
        string[] names = longClassNames
            ? ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
            : Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        (int width, int height, byte[] rgb) = DecodePng(Plots.Render(epochs, confusion, names, "mlp512 rmsprop lr 0.001"));

        Assert.Equal((Plots.Width, Plots.Height), (width, height));
        int Count(Rgb color) => Enumerable.Range(0, width * height)
            .Count(p => rgb[3 * p] == color.R && rgb[3 * p + 1] == color.G && rgb[3 * p + 2] == color.B);
        // Two panels of five markers and four segments each, plus the legend: thousands of pixels of each curve colour.
        Assert.InRange(Count(Plots.TrainColor), 2000, 100_000);
        Assert.InRange(Count(Plots.TestColor), 2000, 100_000);
        // The diagonal cells hold the largest counts (yellow end of the colormap), off-diagonal zeros the dark end.
        Assert.True(Count(Plots.Viridis(1)) > 5000, "no full-scale heatmap cell");
        Assert.True(Count(Plots.Viridis(0)) > 5000, "no empty heatmap cell");
        Assert.True(Count(Rgb.White) > width * height / 3, "the background is not white");
    }

    [Fact]
    public void Ticks_fall_on_round_values()
    {
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0], Plots.NiceTicks(0.11, 1.05, 6, out double step), new ToleranceComparer(1e-12));
        Assert.Equal(0.2, step, 12);
        Assert.Equal([80.0, 85, 90, 95, 100], Plots.NiceTicks(79.1, 100.4, 6, out _), new ToleranceComparer(1e-12));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }

    /// <summary>Reads an 8-bit RGB, non-interlaced PNG: checks the signature and every chunk's CRC, undoes all five filters.</summary>
    private static (int Width, int Height, byte[] Rgb) DecodePng(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }), "no PNG signature");
        int offset = 8, width = 0, height = 0;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            ReadOnlySpan<byte> data = png.AsSpan(offset + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.True(Crc32.Compute(png.AsSpan(offset + 4, 4 + length)) == crc, $"bad CRC on {type}");
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, data[8..13].ToArray());
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            offset += 12 + length;
        }
        Assert.Equal("IHDR", types[0]);
        Assert.Equal("IEND", types[^1]);

        idat.Position = 0;
        var raw = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(raw);
        }
        int stride = width * 3;
        byte[] filtered = raw.ToArray();
        Assert.Equal(height * (stride + 1), filtered.Length);
        var rgb = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = filtered[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= 3 ? rgb[y * stride + i - 3] : 0;
                int b = y > 0 ? rgb[(y - 1) * stride + i] : 0;
                int c = i >= 3 && y > 0 ? rgb[(y - 1) * stride + i - 3] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
                    _ => throw new InvalidDataException($"filter type {filter} on row {y}"),
                };
                rgb[y * stride + i] = (byte)(filtered[y * (stride + 1) + 1 + i] + predictor);
            }
        }
        return (width, height, rgb);
    }
}
