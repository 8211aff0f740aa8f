using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using GenNet.Training;

namespace GenNet.Serialization;

/// <summary>
/// Saves and loads a network's parameters in the GenNet model file format (<c>.gnet</c> by convention).
/// </summary>
/// <remarks>
/// <para>Format version 1, every number little-endian:</para>
/// <code>
/// offset      size  field
/// 0           4     magic: the ASCII bytes "GNNM"
/// 4           4     format version, uint32 = 1
/// 8           8     architecture hash, uint64 (INetwork.ArchitectureHash)
/// 16          4     A = byte length of the architecture string, int32, 0 ≤ A ≤ 65536
/// 20          A     architecture string (INetwork.Architecture), UTF-8, no terminator
/// 20+A        4     P = parameter count, int32 ≥ 0
/// 24+A        4·P   the parameters (INetwork.Parameters in arena order), IEEE float32
/// 24+A+4P     4     CRC-32 (zlib/IEEE) of every byte before it
/// total length = 28 + A + 4P
/// </code>
/// <para><see cref="Save(INetwork, string)"/> writes to a temporary file <c>&lt;name&gt;.tmp-&lt;32 hex digits&gt;</c> in the
/// target's directory, flushes it to disk (<c>fsync</c>), renames it over the target and then, on Linux and macOS,
/// flushes the directory too. The target is therefore always either the old file or the complete new one, whenever
/// the process is killed; a test kills a saving process at random moments and loads the file after each kill. A kill
/// between creating the temporary file and the rename leaves that temporary file behind (nothing runs after
/// SIGKILL); the next successful <see cref="Save(INetwork, string)"/> to the same target deletes such leftovers once
/// they are over a minute old (a younger one may belong to a save still running in another process).
/// <see cref="Load(INetwork, string)"/> never deletes anything.</para>
/// <para><see cref="Load(INetwork, string)"/> checks, in this order: length at least 4 and magic, version, length at least the
/// 28-byte minimum, the architecture length, the total length against the header, the checksum, the architecture
/// (hash and string), the parameter count, and that every parameter is finite. Each failure is an <see cref="InvalidDataException"/> whose message
/// starts with the file name. Only when every check passes are the network's parameters overwritten. Nothing is
/// allocated from a length field before that field has been checked against the real file length.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The four bytes every model file starts with: "GNNM".</summary>
    public static ReadOnlySpan<byte> Magic => "GNNM"u8;
    /// <summary>The format version this build writes and reads.</summary>
    public const uint FormatVersion = 1;
    /// <summary>Longest architecture string accepted, in UTF-8 bytes.</summary>
    public const int MaxArchitectureBytes = 1 << 16;

    private const int FixedHeaderBytes = 20; // magic, version, hash, architecture length
    private const int MinimumFileBytes = FixedHeaderBytes + 4 + 4; // + parameter count + CRC
    private const int ChunkBytes = 1 << 16;

    /// <summary>Writes <paramref name="net"/>'s architecture and parameters to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="net"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or names a root directory; or the network's architecture string is over
    /// <see cref="MaxArchitectureBytes"/> UTF-8 bytes, or its <see cref="INetwork.Parameters"/> is not
    /// <see cref="INetwork.ParameterCount"/> long, or holds a NaN or an infinity (nothing is written then).
    /// </exception>
    /// <exception cref="IOException">
    /// Writing or renaming failed (also when <paramref name="path"/> is an existing directory or its directory does not
    /// exist); the previous file at <paramref name="path"/>, if any, is untouched and the temporary file is deleted.
    /// </exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the target may not be written.</exception>
    public static void Save(INetwork net, string path) => Save(net, path, static stream => stream);

    /// <summary>As <see cref="Save(INetwork, string)"/>, writing through <paramref name="wrap"/> (tests inject failures here).</summary>
    internal static void Save(INetwork net, string path, Func<Stream, Stream> wrap)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is null)
        {
            throw new ArgumentException($"'{path}' is a root directory, not a file name.", nameof(path));
        }
        byte[] architecture = Encoding.UTF8.GetBytes(net.Architecture ?? throw new ArgumentException("The network's Architecture is null.", nameof(net)));
        if (architecture.Length > MaxArchitectureBytes)
        {
            throw new ArgumentException($"The architecture string is {architecture.Length} UTF-8 bytes; model files hold at most {MaxArchitectureBytes}.", nameof(net));
        }
        int bad = Trainer.FindNonFinite(net.Parameters);
        if (bad >= 0)
        {
            throw new ArgumentException($"Parameter {bad} is {net.Parameters[bad]}; a model file holds finite parameters only (the previous file, if any, is left as it was).", nameof(net));
        }
        AtomicFile.Write(path, file =>
        {
            Stream stream = wrap(file); // not disposed here: the identity wrapper is the file itself
            WriteBody(stream, net, architecture);
            stream.Flush();
        });
    }

    /// <summary>
    /// Reads the model file at <paramref name="path"/> into <paramref name="net"/>'s parameters after checking that
    /// it is intact and was saved from the same architecture.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="net"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty, or the network's <see cref="INetwork.Parameters"/> is not
    /// <see cref="INetwork.ParameterCount"/> long.
    /// </exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is too short, not a GenNet model file, of an unsupported version, truncated or followed by trailing
    /// bytes, damaged (checksum mismatch), saved from another architecture, holds another number of parameters, or
    /// holds a NaN or infinite parameter (a hand edit with a recomputed checksum); or the path names a directory,
    /// FIFO or device. The network is then unchanged.
    /// </exception>
    public static void Load(INetwork net, string path)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (net.Parameters.Length != net.ParameterCount)
        {
            throw new ArgumentException($"The network reports {net.ParameterCount} parameters but its arena holds {net.Parameters.Length}.", nameof(net));
        }
        FileProbe.RequireRegularFile(path, "Model file");

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        Load(net, file, path);
    }

    /// <summary>As <see cref="Load(INetwork, string)"/>, from a seekable stream; <paramref name="path"/> only names it in errors.</summary>
    internal static void Load(INetwork net, Stream file, string path)
    {
        long length = file.Length;

        Span<byte> header = stackalloc byte[FixedHeaderBytes];
        int headerRead = ReadFully(file, header);
        if (headerRead < Magic.Length)
        {
            throw Error(path, $"too short to be a GenNet model file ({length} bytes)");
        }
        if (!header[..4].SequenceEqual(Magic))
        {
            throw Error(path, $"not a GenNet model file (it starts with {Convert.ToHexString(header[..4])}, not the magic \"GNNM\")");
        }
        if (headerRead < 8)
        {
            throw Error(path, $"file too short: {length} bytes, but a model file has at least {MinimumFileBytes}");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw Error(path, $"unsupported model file version {version}; this GenNet reads version {FormatVersion}");
        }
        if (length < MinimumFileBytes)
        {
            throw Error(path, $"file too short: {length} bytes, but a model file has at least {MinimumFileBytes}");
        }
        ulong fileHash = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        int architectureBytes = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (architectureBytes < 0 || architectureBytes > MaxArchitectureBytes || architectureBytes > length - MinimumFileBytes)
        {
            throw Error(path, $"truncated or damaged: the architecture string is said to be {architectureBytes} bytes long, which a {length}-byte file cannot hold");
        }

        // Both lengths are now bounded by the real file size.
        byte[] architecture = new byte[architectureBytes + 4];
        ReadFully(file, architecture);
        int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(architecture.AsSpan(architectureBytes));
        long expectedLength = MinimumFileBytes + architectureBytes + 4L * parameterCount;
        if (parameterCount < 0 || expectedLength != length)
        {
            throw Error(path, parameterCount < 0 || expectedLength > length
                ? $"truncated: the header promises {parameterCount} parameters, {expectedLength} bytes in all, but the file has {length}"
                : $"{length - expectedLength} trailing bytes after the {expectedLength} bytes that {parameterCount} parameters take");
        }

        uint crc = Crc32.Append(Crc32.Append(Crc32.Initial, header), architecture);
        uint storedCrc = VerifyChecksum(file, length, crc, path);

        string fileArchitecture = Encoding.UTF8.GetString(architecture, 0, architectureBytes);
        if (fileHash != net.ArchitectureHash || fileArchitecture != net.Architecture)
        {
            throw Error(path, $"architecture mismatch: the file was saved from \"{fileArchitecture}\" (hash {fileHash:x16}) " +
                $"but the network is \"{net.Architecture}\" (hash {net.ArchitectureHash:x16})");
        }
        if (parameterCount != net.ParameterCount)
        {
            throw Error(path, $"parameter count mismatch: the file holds {parameterCount} parameters but the network has {net.ParameterCount}");
        }

        // Read into a side buffer (its size is the network's own) so that a late failure leaves the network untouched.
        var parameters = new float[parameterCount];
        file.Position = FixedHeaderBytes + architecture.Length;
        Span<byte> raw = MemoryMarshal.AsBytes(parameters.AsSpan());
        if (ReadFully(file, raw) != raw.Length)
        {
            throw Error(path, "the file changed while it was being read");
        }
        // The checksum was verified on a first pass; this second pass must see the same bytes.
        if (Crc32.Finish(Crc32.Append(crc, raw)) != storedCrc)
        {
            throw Error(path, "the file changed while it was being read");
        }
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(parameters.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        // A file edited by hand (checksum recomputed) can pass every check above and still hold no usable model.
        int bad = Trainer.FindNonFinite(parameters);
        if (bad >= 0)
        {
            throw Error(path, $"invalid field 'parameters': parameter {bad} is {parameters[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}; a model holds finite numbers only");
        }
        parameters.CopyTo(net.Parameters);
    }

    private static void WriteBody(Stream stream, INetwork net, byte[] architecture)
    {
        ReadOnlySpan<float> parameters = net.Parameters;
        if (parameters.Length != net.ParameterCount)
        {
            throw new ArgumentException($"The network reports {net.ParameterCount} parameters but its arena holds {parameters.Length}.", nameof(net));
        }

        Span<byte> header = stackalloc byte[FixedHeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], net.ArchitectureHash);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], architecture.Length);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(count, parameters.Length);

        uint crc = Crc32.Append(Crc32.Append(Crc32.Append(Crc32.Initial, header), architecture), count);
        stream.Write(header);
        stream.Write(architecture);
        stream.Write(count);

        if (BitConverter.IsLittleEndian)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(parameters);
            crc = Crc32.Append(crc, bytes);
            stream.Write(bytes);
        }
        else
        {
            Span<byte> chunk = stackalloc byte[4 * 1024];
            for (int start = 0; start < parameters.Length; start += chunk.Length / 4)
            {
                ReadOnlySpan<float> part = parameters.Slice(start, Math.Min(chunk.Length / 4, parameters.Length - start));
                for (int i = 0; i < part.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk[(4 * i)..], part[i]);
                }
                crc = Crc32.Append(crc, chunk[..(4 * part.Length)]);
                stream.Write(chunk[..(4 * part.Length)]);
            }
        }

        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Finish(crc));
        stream.Write(trailer);
    }

    /// <summary>Streams the rest of the file through the CRC (no buffer sized by the file) and compares the trailer.</summary>
    private static uint VerifyChecksum(Stream file, long length, uint crc, string path)
    {
        byte[] chunk = new byte[ChunkBytes];
        long remaining = length - 4 - file.Position;
        while (remaining > 0)
        {
            int read = file.Read(chunk, 0, (int)Math.Min(chunk.Length, remaining));
            if (read == 0)
            {
                throw Error(path, "the file changed while it was being read");
            }
            crc = Crc32.Append(crc, chunk.AsSpan(0, read));
            remaining -= read;
        }
        Span<byte> trailer = stackalloc byte[4];
        if (ReadFully(file, trailer) != 4)
        {
            throw Error(path, "the file changed while it was being read");
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint actual = Crc32.Finish(crc);
        if (stored != actual)
        {
            throw Error(path, $"damaged: checksum mismatch (stored CRC-32 {stored:x8}, computed {actual:x8})");
        }
        return stored;
    }

    private static InvalidDataException Error(string path, string problem) => new($"{Path.GetFileName(path)}: {problem}");

    private static int ReadFully(Stream stream, Span<byte> destination)
    {
        int total = 0;
        int read;
        while (total < destination.Length && (read = stream.Read(destination[total..])) > 0)
        {
            total += read;
        }
        return total;
    }
}
