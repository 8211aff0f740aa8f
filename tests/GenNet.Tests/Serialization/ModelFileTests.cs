using System.Buffers.Binary;
using System.Text;
using GenNet.Serialization;
using GenNet.Tests.Data;

namespace GenNet.Tests.Serialization;

public class ModelFileTests
{
    private const int Count = 1000;

    private static int[] Bits(INetwork net) => net.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void Round_trip_gives_identical_bits()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.gnet");
        var saved = new FakeNetwork(Count).Fill(1);

        ModelFile.Save(saved, path);
        var loaded = new FakeNetwork(Count);
        ModelFile.Load(loaded, path);

        Assert.Equal(Bits(saved), Bits(loaded));
        Assert.Equal(["model.gnet"], dir.Names());
        Assert.Equal(28 + Encoding.UTF8.GetByteCount(saved.Architecture) + 4 * Count, new FileInfo(path).Length);
    }

    [Fact]
    public void Layout_matches_the_spec()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        var net = new FakeNetwork(2, "Ab", hash: 0x0102030405060708UL);
        net.Parameters[0] = 1f;
        net.Parameters[1] = -2f;
        ModelFile.Save(net, path);

        byte[] b = File.ReadAllBytes(path);
        Assert.Equal("GNNM"u8.ToArray(), b[..4]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(8)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(16)));
        Assert.Equal("Ab"u8.ToArray(), b[20..22]);
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(22)));
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(26)));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(30)));
        Assert.Equal(Crc32.Compute(b.AsSpan(0, 34)), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(34)));
        Assert.Equal(38, b.Length);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Missing_file_is_FileNotFoundException()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(new FakeNetwork(Count), dir.File("none.gnet")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Tiny_file_is_too_short(int length)
    {
        string message = LoadCorrupted(b => b[..length]);
        Assert.Contains("too short", message);
    }

    [Fact]
    public void Header_only_file_is_too_short()
    {
        Assert.Contains("file too short", LoadCorrupted(b => b[..12]));
    }

    [Fact]
    public void Bad_magic_is_not_a_model_file()
    {
        string message = LoadCorrupted(b => { b[0] = (byte)'X'; return b; });
        Assert.Contains("not a GenNet model file", message);
    }

    [Fact]
    public void Unsupported_version_is_named()
    {
        string message = LoadCorrupted(b => { BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 7); return b; });
        Assert.Contains("unsupported model file version 7", message);
    }

    [Fact]
    public void Architecture_mismatch_shows_both_architectures()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(Count, "Input(784) Dense(10) SoftmaxCrossEntropy").Fill(1), path);
        var other = new FakeNetwork(Count, "Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy");

        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(other, path));

        Assert.Contains("architecture mismatch", e.Message);
        Assert.Contains("\"Input(784) Dense(10) SoftmaxCrossEntropy\"", e.Message);
        Assert.Contains("\"Input(784) Dense(512,ReLU) Dense(10) SoftmaxCrossEntropy\"", e.Message);
        Assert.All(other.Parameters.ToArray(), p => Assert.Equal(0f, p));
    }

    [Fact]
    public void Architecture_hash_mismatch_is_an_architecture_mismatch()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(Count, "X", hash: 1), path);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(new FakeNetwork(Count, "X", hash: 2), path));
        Assert.Contains("architecture mismatch", e.Message);
    }

    [Fact]
    public void Parameter_count_mismatch_is_named()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(Count + 1).Fill(1), path);
        var net = new FakeNetwork(Count);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(net, path));
        Assert.Contains($"holds {Count + 1} parameters but the network has {Count}", e.Message);
    }

    [Fact]
    public void Truncated_file_is_named()
    {
        Assert.Contains("truncated", LoadCorrupted(b => b[..^1]));
    }

    [Fact]
    public void Trailing_bytes_are_named()
    {
        Assert.Contains("3 trailing bytes", LoadCorrupted(b => [.. b, 1, 2, 3]));
    }

    [Fact]
    public void Lying_parameter_count_does_not_allocate_it()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = LoadCorrupted(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(b.Length - 4 - 4 * Count - 4), int.MaxValue); return b; });
        Assert.Contains("truncated", message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Lying_architecture_length_is_rejected()
    {
        Assert.Contains("architecture string is said to be", LoadCorrupted(b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(16), 1 << 30); return b; }));
    }

    [Theory]
    [InlineData(10)]   // in the hash
    [InlineData(40)]   // in the architecture string
    [InlineData(500)]  // in the parameters
    [InlineData(-1)]   // in the checksum itself
    public void Flipped_bit_is_damaged(int offset)
    {
        string message = LoadCorrupted(b => { b[offset < 0 ? b.Length + offset : offset] ^= 0x10; return b; });
        Assert.Contains("damaged", message);
    }

    [Fact]
    public void Failed_write_leaves_the_previous_file_and_no_temp_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(Count).Fill(1), path);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<IOException>(() => ModelFile.Save(new FakeNetwork(Count).Fill(2), path, s => new FailingStream(s, failAfter: 2000)));

        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.gnet"], dir.Names());
    }

    [Fact]
    public void Failed_rename_leaves_no_temp_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        Directory.CreateDirectory(path); // the rename target is a directory: File.Move must fail

        Assert.ThrowsAny<Exception>(() => ModelFile.Save(new FakeNetwork(Count).Fill(1), path));

        Assert.Equal(["m.gnet"], dir.Names());
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(Count).Fill(1), path);
        var second = new FakeNetwork(Count).Fill(2);
        ModelFile.Save(second, path);
        var loaded = new FakeNetwork(Count);
        ModelFile.Load(loaded, path);
        Assert.Equal(Bits(second), Bits(loaded));
    }

    /// <summary>Saves a model, lets <paramref name="corrupt"/> rewrite its bytes, loads it; returns the error, having checked that the network was not touched.</summary>
    private static string LoadCorrupted(Func<byte[], byte[]> corrupt)
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.gnet");
        ModelFile.Save(new FakeNetwork(Count).Fill(1), path);
        File.WriteAllBytes(path, corrupt(File.ReadAllBytes(path)));

        var net = new FakeNetwork(Count);
        net.Parameters.Fill(0.5f);
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Load(net, path));

        Assert.StartsWith("broken.gnet: ", e.Message);
        Assert.All(net.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
        return e.Message;
    }

    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private int _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = Math.Min(buffer.Length, failAfter - _written);
            inner.Write(buffer[..allowed]);
            _written += allowed;
            if (allowed < buffer.Length)
            {
                throw new IOException("disk full (simulated)");
            }
        }
    }
}
