using GenNet.Data;

namespace GenNet.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_and_scales_pixels_to_unit_range(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxBytes.Images(3, 2, 4, i => (byte)(i * 10));
        string path = dir.File("images.bin");
        File.WriteAllBytes(path, gzip ? IdxBytes.Gzip(raw) : raw);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal((3, 2, 4, 8), (images.Count, images.Rows, images.Columns, images.Features));
        Assert.Equal(24, images.Pixels.Length);
        for (int i = 0; i < 24; i++)
        {
            Assert.Equal(i * 10 / 255f, images.Pixels[i]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] raw = IdxBytes.Labels(5, 0, 4, 1, 9);
        // The name says .gz even when raw, and vice versa: the content decides.
        string path = dir.File(gzip ? "labels" : "labels.gz");
        File.WriteAllBytes(path, gzip ? IdxBytes.Gzip(raw) : raw);

        Assert.Equal([5, 0, 4, 1, 9], IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Missing_file_is_FileNotFoundException_naming_the_path()
    {
        using var dir = new TempDirectory();
        string path = dir.File("nope-idx1-ubyte.gz");
        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FileName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_file_given_as_images_names_both_magics(bool gzip)
    {
        var e = ReadBroken(IdxBytes.Images(1, 2, 2), gzip, "t10k-labels-idx1-ubyte.gz", labels: true);
        Assert.StartsWith("t10k-labels-idx1-ubyte.gz: expected magic 2049 (labels", e.Message);
        Assert.Contains("but found 2051", e.Message);
    }

    [Fact]
    public void Bad_magic_is_rejected()
    {
        byte[] bytes = IdxBytes.Images(1, 2, 2);
        bytes[0] = 0x50; // "PK…", say
        var e = ReadBroken(bytes, gzip: false, "images");
        Assert.Contains("expected magic 2051", e.Message);
        Assert.Contains("not an IDX header", e.Message);
    }

    [Fact]
    public void Wrong_number_of_dimensions_is_rejected()
    {
        var e = ReadBroken(IdxBytes.Build(0x0802, [2, 4], new byte[8]), gzip: false, "images");
        Assert.Contains("expected magic 2051", e.Message);
        Assert.Contains("2 dimensions", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Zero_or_negative_dimension_is_rejected(int rows)
    {
        var e = ReadBroken(IdxBytes.Build(0x0803, [1, rows, 2], []), gzip: false, "images");
        Assert.Contains($"dimension 2 of 3 is {rows}", e.Message);
    }

    [Fact]
    public void Dimensions_whose_product_exceeds_an_array_are_rejected()
    {
        var e = ReadBroken(IdxBytes.Build(0x0803, [int.MaxValue, 28, 28], []), gzip: false, "images");
        Assert.Contains("the most an IDX file may hold", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_payload_is_rejected(bool gzip)
    {
        byte[] bytes = IdxBytes.Images(2, 3, 3);
        var e = ReadBroken(bytes[..^1], gzip, "images");
        Assert.Contains("truncated", e.Message);
        Assert.Contains("18 bytes", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_header_is_rejected(bool gzip)
    {
        var e = ReadBroken(IdxBytes.Images(2, 3, 3)[..10], gzip, "images");
        Assert.Contains("too short", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_rejected(bool gzip)
    {
        byte[] bytes = [.. IdxBytes.Labels(1, 2, 3), 0, 0];
        var e = ReadBroken(bytes, gzip, "labels", labels: true);
        Assert.Contains("2 trailing bytes", e.Message);
    }

    [Fact]
    public void Label_out_of_range_is_rejected_with_its_index()
    {
        var e = ReadBroken(IdxBytes.Labels(1, 2, 10, 3), gzip: false, "labels", labels: true);
        Assert.Contains("label 2 is 10", e.Message);
        Assert.Contains("0..9", e.Message);
    }

    [Fact]
    public void Class_count_can_be_given()
    {
        using var dir = new TempDirectory();
        string path = dir.File("labels");
        File.WriteAllBytes(path, IdxBytes.Labels(0, 25, 3));
        Assert.Equal([0, 25, 3], IdxReader.ReadLabels(path, classCount: 26));
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path, classCount: 25));
    }

    [Fact]
    public void Damaged_gzip_stream_is_InvalidDataException_naming_the_file()
    {
        byte[] gz = IdxBytes.Gzip(IdxBytes.Images(50, 28, 28, i => (byte)(i * 7919 % 251)));
        for (int i = 20; i < gz.Length - 8; i++)
        {
            gz[i] ^= 0x5a;
        }
        using var dir = new TempDirectory();
        string path = dir.File("broken.gz");
        File.WriteAllBytes(path, gz);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith("broken.gz: ", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Huge_declared_count_with_a_tiny_file_fails_fast_without_allocating_it(bool gzip)
    {
        // 150,000 × 28 × 28 = 118 MB declared (under IdxReader.MaxPayloadBytes), a few bytes present.
        byte[] bytes = IdxBytes.Build(0x0803, [150_000, 28, 28], new byte[100]);
        using var dir = new TempDirectory();
        string path = dir.File("liar");
        File.WriteAllBytes(path, gzip ? IdxBytes.Gzip(bytes) : bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    private static InvalidDataException ReadBroken(byte[] bytes, bool gzip, string name, bool labels = false)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name);
        File.WriteAllBytes(path, gzip ? IdxBytes.Gzip(bytes) : bytes);
        return labels
            ? Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path))
            : Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
    }
}
