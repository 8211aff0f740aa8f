using System.Buffers.Binary;
using System.IO.Compression;
using GenNet.Serialization;

namespace GenNet.Data;

/// <summary>
/// Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST: images (magic 2051, dimensions
/// count × rows × columns) and labels (magic 2049, dimension count). Files may be gzip-compressed or raw; gzip is
/// recognised by its <c>1f 8b</c> header, not by the file name.
/// </summary>
/// <remarks>
/// <para>The header is big-endian: a magic number <c>00 00 08 n</c> (type 8 = unsigned byte, n dimensions), then n
/// 32-bit sizes. The payload holds exactly the product of the sizes in bytes; anything after it is an error.</para>
/// <para>A header can lie. The declared payload size is first checked against <see cref="MaxPayloadBytes"/>, then
/// against the real length before the full buffer is allocated: for a raw file against the file length; for a gzip
/// file by decompressing into a buffer that grows only as data actually arrives and stopping as soon as the stream
/// ends early or runs 64 KiB past the declared size. A decompression bomb therefore allocates no more than the
/// smaller of what its header declares and what its stream delivers, and never more than the maximum.</para>
/// <para>Every format error is an <see cref="InvalidDataException"/> (a sealed type, so there is no subclass) whose
/// message starts with the file name, e.g. <c>t10k-labels-idx1-ubyte.gz: expected magic 2049 (labels: …) but found
/// 2051 (…)</c>. A damaged gzip stream is reported the same way, with the decompressor's exception as inner
/// exception. A missing file is a <see cref="FileNotFoundException"/> naming the full path; a directory, FIFO or
/// device is an <see cref="InvalidDataException"/> starting with the full path, raised before anything opens it.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images: 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x0803;
    /// <summary>Magic number of an IDX file of unsigned-byte labels: 1 dimension (count).</summary>
    public const int LabelsMagic = 0x0801;
    /// <summary>Number of classes labels are checked against unless told otherwise (digits 0..9).</summary>
    public const int DefaultClassCount = 10;

    /// <summary>
    /// Most payload bytes one file may declare (128 MiB, 2.8 × MNIST's training images): checked against the header
    /// before anything of that size is allocated, so a small gzip that claims or inflates to gigabytes (a
    /// decompression bomb) costs at most this plus its float pixels, 4 × as much.
    /// </summary>
    public const int MaxPayloadBytes = 1 << 27;

    private const int ChunkBytes = 1 << 16;
    private const int InitialGzipBufferBytes = 1 << 20;
    private static readonly float[] s_byteToUnit = CreateByteToUnit();

    /// <summary>Reads an image file and scales every pixel to <c>value / 255</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file could not be read (other than a missing file).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file.</exception>
    public static IdxImages ReadImages(string path)
    {
        using FileStream file = Open(path, "images");
        return ReadImages(file, path);
    }

    /// <summary>As <see cref="ReadImages(string)"/>, from a seekable stream; <paramref name="path"/> only names it in errors.</summary>
    internal static IdxImages ReadImages(Stream stream, string path)
    {
        (byte[] payload, int[] dims) = ReadPayload(stream, path, ImagesMagic, "images");
        float[] pixels = GC.AllocateUninitializedArray<float>(payload.Length);
        float[] table = s_byteToUnit;
        for (int i = 0; i < payload.Length; i++)
        {
            pixels[i] = table[payload[i]];
        }
        return new IdxImages(pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads a label file and checks that every label lies in <c>0..classCount-1</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not in 1..256.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file could not be read (other than a missing file).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file, or a label is out of range.</exception>
    public static int[] ReadLabels(string path, int classCount = DefaultClassCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        using FileStream file = Open(path, "labels");
        return ReadLabels(file, path, classCount);
    }

    /// <summary>As <see cref="ReadLabels(string, int)"/>, from a seekable stream; <paramref name="path"/> only names it in errors.</summary>
    internal static int[] ReadLabels(Stream stream, string path, int classCount = DefaultClassCount)
    {
        (byte[] payload, _) = ReadPayload(stream, path, LabelsMagic, "labels");
        int[] labels = GC.AllocateUninitializedArray<int>(payload.Length);
        for (int i = 0; i < payload.Length; i++)
        {
            int label = payload[i];
            if (label >= classCount)
            {
                throw Error(path, $"label {i} is {label}, outside the class range 0..{classCount - 1}");
            }
            labels[i] = label;
        }
        return labels;
    }

    private static float[] CreateByteToUnit()
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = i / 255f;
        }
        return table;
    }

    private static FileStream Open(string path, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileProbe.RequireRegularFile(path, $"IDX {kind} file"); // a FIFO or device would block or never end
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>Validates the header of a seekable stream and returns the payload, exactly as long as the header says.</summary>
    private static (byte[] Payload, int[] Dims) ReadPayload(Stream file, string path, int expectedMagic, string kind)
    {
        Span<byte> signature = stackalloc byte[2];
        int signatureLength = ReadFully(file, signature, path);
        bool gzip = signatureLength == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
        file.Position = 0;

        if (!gzip)
        {
            return ReadPayload(file, file.Length, path, expectedMagic, kind);
        }
        using var source = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        return ReadPayload(source, null, path, expectedMagic, kind);
    }

    private static (byte[] Payload, int[] Dims) ReadPayload(Stream source, long? rawLength, string path, int expectedMagic, string kind)
    {
        string compressed = rawLength is null ? "decompressed " : "";

        Span<byte> word = stackalloc byte[4];
        if (ReadFully(source, word, path) < 4)
        {
            throw Error(path, $"{compressed}file too short for an IDX header (no 4-byte magic number)");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            throw Error(path, $"expected magic {expectedMagic} ({kind}: {DescribeMagic(expectedMagic)}) but found {magic} ({DescribeMagic(magic)})");
        }

        int rank = magic & 0xff;
        var dims = new int[rank];
        long declared = 1;
        for (int d = 0; d < rank; d++)
        {
            if (ReadFully(source, word, path) < 4)
            {
                throw Error(path, $"{compressed}file too short for an IDX header: it ends inside dimension {d + 1} of {rank}");
            }
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] <= 0)
            {
                throw Error(path, $"dimension {d + 1} of {rank} is {dims[d]}; every dimension must be at least 1");
            }
            declared *= dims[d]; // at most (2^31)^3 < 2^94 would overflow, so check as we go
            if (declared > MaxPayloadBytes)
            {
                throw Error(path, $"dimensions {string.Join(" × ", dims[..(d + 1)])} declare more than {MaxPayloadBytes} bytes, the most an IDX file may hold here " +
                    "(MNIST's largest holds 47,040,000); a header that claims more is damaged or a decompression bomb");
            }
        }

        long headerBytes = 4 + 4L * rank;
        if (rawLength is long length)
        {
            long actual = length - headerBytes;
            if (actual != declared)
            {
                throw Error(path, actual < declared
                    ? $"truncated: dimensions {string.Join(" × ", dims)} declare {declared} bytes of data but the file holds only {actual}"
                    : $"{actual - declared} trailing bytes after the {declared} bytes of data that dimensions {string.Join(" × ", dims)} declare");
            }
            var payload = GC.AllocateUninitializedArray<byte>((int)declared);
            if (ReadFully(source, payload, path) != payload.Length)
            {
                throw Error(path, "the file shrank while it was being read");
            }
            return (payload, dims);
        }

        return (ReadGzipPayload(source, (int)declared, path, dims), dims);
    }

    /// <summary>Decompresses exactly <paramref name="declared"/> bytes, growing the buffer only as data arrives.</summary>
    private static byte[] ReadGzipPayload(Stream source, int declared, string path, int[] dims)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(Math.Min(declared, InitialGzipBufferBytes));
        int filled = 0;
        while (filled < declared)
        {
            if (filled == buffer.Length)
            {
                int grown = (int)Math.Min(declared, Math.Max(2L * buffer.Length, ChunkBytes));
                Array.Resize(ref buffer, grown);
            }
            int read = Read(source, buffer.AsSpan(filled, Math.Min(buffer.Length - filled, ChunkBytes)), path);
            if (read == 0)
            {
                throw Error(path, $"truncated: dimensions {string.Join(" × ", dims)} declare {declared} bytes of data but the decompressed file holds only {filled}");
            }
            filled += read;
        }

        Span<byte> probe = stackalloc byte[256];
        long trailing = 0;
        int n;
        while ((n = Read(source, probe, path)) > 0)
        {
            trailing += n;
            if (trailing >= ChunkBytes)
            {
                break; // enough to report; don't inflate the rest of a possibly huge stream
            }
        }
        if (trailing > 0)
        {
            string amount = trailing >= ChunkBytes ? $"at least {trailing}" : trailing.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw Error(path, $"{amount} trailing bytes after the {declared} bytes of data that dimensions {string.Join(" × ", dims)} declare");
        }
        return buffer;
    }

    private static string DescribeMagic(int magic)
    {
        if ((magic & unchecked((int)0xffff0000)) != 0)
        {
            return "not an IDX header";
        }
        int type = (magic >> 8) & 0xff;
        int rank = magic & 0xff;
        string typeName = type switch
        {
            0x08 => "unsigned bytes",
            0x09 => "signed bytes",
            0x0b => "int16",
            0x0c => "int32",
            0x0d => "float32",
            0x0e => "float64",
            _ => $"unknown element type 0x{type:x2}",
        };
        return $"{typeName}, {rank} dimension{(rank == 1 ? "" : "s")}";
    }

    private static InvalidDataException Error(string path, string problem, Exception? inner = null) =>
        new($"{Path.GetFileName(path)}: {problem}", inner);

    /// <summary>One read; a damaged gzip stream's exception (which names no file) is rethrown naming it.</summary>
    private static int Read(Stream stream, Span<byte> destination, string path)
    {
        try
        {
            return stream.Read(destination);
        }
        catch (InvalidDataException e)
        {
            throw Error(path, $"the gzip stream is damaged ({e.Message})", e);
        }
    }

    private static int ReadFully(Stream stream, Span<byte> destination, string path)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = Read(stream, destination[total..], path);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}
