using System.Buffers.Binary;
using System.IO.Compression;
using CsCheck;
using GenNet.Data;
using GenNet.Mnist;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Issue 13, class 6: a small gzip whose header claims, or whose stream inflates to, far more than a real data set
/// allocates no more than the header's bounded size and what the stream delivers: checked before allocating.
/// </summary>
public class DecompressionBombTests
{
    /// <summary>A gzipped IDX image file: the header says <paramref name="dims"/>, then <paramref name="zeros"/> zero bytes follow.</summary>
    private static byte[] Bomb(int[] dims, int zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, IdxReader.ImagesMagic);
            gzip.Write(word);
            foreach (int d in dims)
            {
                BinaryPrimitives.WriteInt32BigEndian(word, d);
                gzip.Write(word);
            }
            byte[] block = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= block.Length)
            {
                gzip.Write(block, 0, Math.Min(left, block.Length));
            }
        }
        return output.ToArray();
    }

    private static (InvalidDataException Error, long Allocated) Read(byte[] file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(file), "bomb.gz"));
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_header_claiming_a_gigabyte_is_refused_before_anything_of_its_size_is_allocated()
    {
        byte[] file = Bomb([1000, 1000, 1000], 48 << 20); // 48 MB of zeros in a 0.5 MB file
        Assert.True(file.Length < 1_000_000, $"{file.Length} bytes");
        var (e, allocated) = Read(file);
        Assert.Contains("the most an IDX file may hold", e.Message);
        Assert.True(allocated < 4 << 20, $"{allocated:N0} bytes allocated"); // inflating the 48 MB first would take 64 MB or more
    }

    [Fact]
    public void A_stream_inflating_far_past_its_header_stops_64_KiB_past_the_declared_size()
    {
        byte[] file = Bomb([10, 28, 28], 64 << 20);
        var (e, allocated) = Read(file);
        Assert.Contains("trailing bytes", e.Message);
        Assert.True(allocated < 4 << 20, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public void Every_header_up_to_the_cap_allocates_at_most_what_the_stream_delivers()
    {
        // CsCheck: any declared size (within the cap or not) over a stream of a few kB: the allocation follows the stream.
        Gen.Select(Gen.Int[1, 100_000], Gen.Int[1, 200], Gen.Int[1, 200], Gen.Int[0, 4096])
            .Sample(t =>
            {
                var (count, rows, columns, delivered) = t;
                long declared = (long)count * rows * columns;
                if (declared == delivered)
                {
                    return;
                }
                var (_, allocated) = Read(Bomb([count, rows, columns], delivered));
                Assert.True(allocated < 2 << 20, $"{count}×{rows}×{columns} over {delivered} bytes: {allocated:N0} bytes allocated");
            }, iter: 200);
    }

    [Fact]
    public void The_app_reports_a_bomb_in_the_data_directory_in_one_line()
    {
        using var data = new TinyMnist();
        File.Delete(data.DataFile("train-images-idx3-ubyte"));
        File.WriteAllBytes(data.DataFile("train-images-idx3-ubyte.gz"), Bomb([60_000, 280, 280], 8 << 20));
        var result = AppAssert.RunWithin(60, data.Train("--epochs", "1"));
        AppAssert.OneLineError(result, ExitCodes.UsageOrData, "train-images-idx3-ubyte.gz", "the most an IDX file may hold");
    }
}
