using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CsCheck;
using GenNet.Data;
using GenNet.Serialization;
using GenNet.Tests.Data;
using GenNet.Tests.Serialization;
using Xunit.Abstractions;

namespace GenNet.Tests.Robustness;

/// <summary>
/// Property tests (CsCheck) that mutate valid IDX files (raw and gzip) and valid model files, and check that reading them
/// only ever succeeds or throws <see cref="InvalidDataException"/> — never IndexOutOfRange, Overflow, OutOfMemory,
/// NullReference or anything else — and that no lying header makes the reader allocate much more than the data it
/// really holds (<see cref="GC.GetAllocatedBytesForCurrentThread"/> around each case, bounded relative to the file size).
/// </summary>
/// <remarks>
/// <para>Mutations, one to four per case, any order: random bit flips, byte overwrites, truncation at a random
/// length, appended bytes, a header word replaced by an extreme value (0, ±1, 2³⁰, 65536/65537, int.MaxValue,
/// int.MinValue, Array.MaxLength, random), the IDX rank byte / model version changed, and a 4-byte word inserted into
/// or deleted from the header (a wrong dimension count). IDX cases build a random valid file first (images or labels,
/// 1–6 items of up to 9×9); gzip cases compress the mutated raw file and then may mutate the compressed bytes too
/// (a damaged deflate stream, a cut-off or over-long gzip member). Half the model cases recompute the CRC-32 after
/// mutating, so header lies reach the architecture check and mutated parameters must load as exactly the file's
/// floats; a failed load must leave the network untouched.</para>
/// <para>In CI each of the three stream targets runs <see cref="CiIterations"/> cases and the on-disk target
/// (through the public path APIs) 2 × <see cref="CiFileIterations"/>: 62,000 cases, about 7 s in all on 2 cores. A longer campaign:
/// <c>GENNET_FUZZ_ITER=500000 dotnet test … --filter FullyQualifiedName~FuzzTests</c> (that many cases per stream
/// target; a tenth of it for files). Each run prints its case count and time; CsCheck prints a seed to replay a
/// failure and shrinks it first.</para>
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    public const long CiIterations = 20_000;
    public const long CiFileIterations = 1_000;

    private static readonly long? s_campaign =
        long.TryParse(Environment.GetEnvironmentVariable("GENNET_FUZZ_ITER"), out long n) && n > 0 ? n : null;

    private static long Iterations => s_campaign ?? CiIterations;
    private static long FileIterations => s_campaign is long c ? Math.Max(1, c / 10) : CiFileIterations;

    /// <summary>One mutation: what (<see cref="Kind"/>) and three random numbers it draws its where/what from.</summary>
    public readonly record struct Mutation(int Kind, int A, int B, uint C)
    {
        public const int Kinds = 7;
    }

    public sealed record IdxCase(bool Images, int Count, int Rows, int Columns, int PayloadSeed, bool Gzip, Mutation[] Raw, Mutation[] Compressed);

    /// <summary>A model file case; with <see cref="FixCrc"/> the CRC-32 is recomputed after the mutations, so they reach
    /// the checks behind it (architecture, parameter count) and a lying header must be caught by those.</summary>
    public sealed record ModelCase(int Variant, Mutation[] Mutations, bool FixCrc);

    private static readonly Gen<Mutation> s_mutation =
        Gen.Select(Gen.Int[0, Mutation.Kinds - 1], Gen.Int, Gen.Int, Gen.UInt, (k, a, b, c) => new Mutation(k, a, b, c));

    private static readonly Gen<IdxCase> s_idxRaw =
        Gen.Select(Gen.Bool, Gen.Int[1, 6], Gen.Int[1, 9], Gen.Int[1, 9], Gen.Int, s_mutation.Array[1, 4],
            (images, count, rows, columns, seed, raw) => new IdxCase(images, count, rows, columns, seed, false, raw, []));

    private static readonly Gen<IdxCase> s_idxGzip =
        Gen.Select(Gen.Bool, Gen.Int[1, 6], Gen.Int[1, 9], Gen.Int[1, 9], Gen.Int, s_mutation.Array[0, 3], s_mutation.Array[0, 3],
            (images, count, rows, columns, seed, raw, compressed) => new IdxCase(images, count, rows, columns, seed, true, raw, compressed));

    /// <summary>Valid model files to start from: parameter counts 0…300, architecture strings of 0…200 bytes (ASCII and not).</summary>
    private static readonly (int Count, string Architecture)[] ModelVariants =
    [
        (0, ""), (1, "A"), (5, "Input(3) Dense(2) SoftmaxCrossEntropy"), (40, "Input(9) Dense(4,Tanh) MeanSquaredError"),
        (300, new string('x', 200)), (7, "Dénse(ü) → ∑"),
    ];

    private static readonly Gen<ModelCase> s_model =
        Gen.Select(Gen.Int[0, ModelVariants.Length - 1], s_mutation.Array[1, 4], Gen.Bool, (v, m, fix) => new ModelCase(v, m, fix));

    [Fact]
    public void Mutated_raw_idx_files_throw_only_InvalidDataException_and_allocate_little()
        => Run("IDX raw", s_idxRaw, c => CheckIdx(c, onDisk: false), Iterations);

    [Fact]
    public void Mutated_gzip_idx_files_throw_only_InvalidDataException_and_allocate_little()
        => Run("IDX gzip", s_idxGzip, c => CheckIdx(c, onDisk: false), Iterations);

    [Fact]
    public void Mutated_model_files_throw_only_InvalidDataException_leave_the_network_alone_and_allocate_little()
        => Run("model file", s_model, c => CheckModel(c, onDisk: false), Iterations);

    [Fact]
    public void Mutated_files_on_disk_behave_the_same_through_the_public_path_APIs()
    {
        Run("IDX raw+gzip on disk", Gen.OneOf(s_idxRaw, s_idxGzip), c => CheckIdx(c, onDisk: true), FileIterations);
        Run("model file on disk", s_model, c => CheckModel(c, onDisk: true), FileIterations);
    }

    private void Run<T>(string name, Gen<T> gen, Action<T> check, long iterations)
    {
        var outcomes = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        gen.Sample(c =>
        {
            t_outcomes = outcomes; // CsCheck runs cases on pool threads that other runs used before
            check(c);
        }, iter: iterations, threads: Math.Min(2, Environment.ProcessorCount));
        output.WriteLine($"{name}: {iterations} cases in {clock.Elapsed.TotalSeconds:0.00} s, no failure. Outcomes: " +
            string.Join("; ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
    }

    /// <summary>How often each kind of result came out (success or the start of the error message): evidence the mutations reach every check.</summary>
    [ThreadStatic]
    private static ConcurrentDictionary<string, int>? t_outcomes;

    private static void Count(Exception? error, string fileName)
    {
        string key = "loaded";
        if (error is not null)
        {
            string problem = Regex.Replace(error.Message[(fileName.Length + 2)..], @"-?[0-9][0-9a-fx]*", "N");
            key = string.Join(' ', problem.Split(' ').Take(4));
        }
        t_outcomes?.AddOrUpdate(key, 1, (_, v) => v + 1);
    }

    // ---- IDX ----

    private static void CheckIdx(IdxCase c, bool onDisk)
    {
        byte[] raw = Mutate(ValidIdx(c), c.Raw, bigEndian: true);
        byte[] file = c.Gzip ? Mutate(IdxBytes.Gzip(raw), c.Compressed, bigEndian: true) : raw;
        // What the reader can really get out of the file: its length, or for gzip what it decompresses to.
        long real = c.Gzip ? DecompressedLength(file) : file.Length;
        long bound = (c.Gzip ? 2L << 20 : 64L << 10) + 8L * file.Length + 8L * real;

        string path = onDisk ? WriteTemp(file) : "fuzz.idx";
        try
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = Record.Exception(() =>
            {
                if (onDisk)
                {
                    if (c.Images) IdxReader.ReadImages(path); else IdxReader.ReadLabels(path);
                }
                else
                {
                    using var stream = new MemoryStream(file, writable: false);
                    if (c.Images) IdxReader.ReadImages(stream, path); else IdxReader.ReadLabels(stream, path);
                }
            });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            AssertOnlyInvalidData(error, Path.GetFileName(path));
            Assert.True(allocated <= bound, $"{allocated} bytes allocated reading a {file.Length}-byte file ({real} real bytes); bound {bound}");
        }
        finally
        {
            if (onDisk) File.Delete(path);
        }
    }

    private static byte[] ValidIdx(IdxCase c)
    {
        var rng = new Random(c.PayloadSeed);
        return c.Images
            ? IdxBytes.Images(c.Count, c.Rows, c.Columns, _ => (byte)rng.Next(256))
            : IdxBytes.Labels(Enumerable.Range(0, c.Count).Select(_ => (byte)rng.Next(10)).ToArray());
    }

    /// <summary>Bytes a gzip decoder yields before the stream ends or breaks (capped: the cap only loosens the bound).</summary>
    private static long DecompressedLength(byte[] gzip)
    {
        if (gzip.Length < 2 || gzip[0] != 0x1f || gzip[1] != 0x8b)
        {
            return gzip.Length; // read raw
        }
        long total = 0;
        var buffer = new byte[1 << 16];
        try
        {
            using var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
            int read;
            while ((read = stream.Read(buffer)) > 0 && total < 1L << 30)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
        }
        return total;
    }

    // ---- model files ----

    private static readonly byte[][] s_modelFiles = ModelVariants.Select(v =>
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.gnet");
        ModelFile.Save(new FakeNetwork(v.Count, v.Architecture).Fill(v.Count + 1), path);
        return File.ReadAllBytes(path);
    }).ToArray();

    private static void CheckModel(ModelCase c, bool onDisk)
    {
        (int count, string architecture) = ModelVariants[c.Variant];
        byte[] file = Mutate(s_modelFiles[c.Variant], c.Mutations, bigEndian: false);
        if (c.FixCrc && file.Length >= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32.Compute(file.AsSpan(0, file.Length - 4)));
        }
        long bound = (256L << 10) + 4L * file.Length;
        var net = new FakeNetwork(count, architecture);
        net.Parameters.Fill(0.25f);

        string path = onDisk ? WriteTemp(file) : "fuzz.gnet";
        try
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = Record.Exception(() =>
            {
                if (onDisk)
                {
                    ModelFile.Load(net, path);
                }
                else
                {
                    using var stream = new MemoryStream(file, writable: false);
                    ModelFile.Load(net, stream, path);
                }
            });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            AssertOnlyInvalidData(error, Path.GetFileName(path));
            Assert.True(allocated <= bound, $"{allocated} bytes allocated reading a {file.Length}-byte model file; bound {bound}");
            if (error is not null)
            {
                Assert.True(net.Parameters.IndexOfAnyExcept(0.25f) < 0, "a failed load changed the network");
            }
            else if (!c.FixCrc)
            {
                // Every byte is under the CRC-32, so a load succeeds only if the mutations cancelled out.
                Assert.Equal(s_modelFiles[c.Variant], file);
            }
            else
            {
                // With a recomputed CRC, mutated parameters load: exactly the floats the file holds.
                int architectureBytes = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(16));
                Assert.Equal(file.AsSpan(24 + architectureBytes, 4 * count).ToArray(), MemoryMarshal.AsBytes(net.Parameters).ToArray());
            }
        }
        finally
        {
            if (onDisk) File.Delete(path);
        }
    }

    // ---- shared ----

    private static void AssertOnlyInvalidData(Exception? error, string fileName)
    {
        if (error is not null)
        {
            Assert.True(error.GetType() == typeof(InvalidDataException), $"{error.GetType().Name}: {error.Message}\n{error.StackTrace}");
            Assert.StartsWith(fileName + ": ", error.Message, StringComparison.Ordinal);
        }
        Count(error, fileName);
    }

    private static readonly int[] s_extremes = [0, 1, -1, 1 << 30, 65536, 65537, int.MaxValue, int.MinValue, Array.MaxLength, 255, 256];

    /// <summary>Applies the mutations in order; header words are 32-bit, big-endian for IDX and little-endian for model files.</summary>
    private static byte[] Mutate(byte[] original, Mutation[] mutations, bool bigEndian)
    {
        var bytes = new List<byte>(original);
        foreach (Mutation m in mutations)
        {
            uint a = (uint)m.A, b = (uint)m.B;
            switch (m.Kind)
            {
                case 0 when bytes.Count > 0: // flip one bit
                    bytes[(int)(a % bytes.Count)] ^= (byte)(1 << (int)(b % 8));
                    break;
                case 1: // truncate
                    bytes.RemoveRange((int)(a % (bytes.Count + 1)), bytes.Count - (int)(a % (bytes.Count + 1)));
                    break;
                case 2 when bytes.Count >= 4: // a header word (first 6 words) becomes an extreme value
                {
                    int words = Math.Min(6, bytes.Count / 4);
                    int at = 4 * (int)(a % words);
                    int value = b % 4 == 0 ? (int)m.C : s_extremes[b / 4 % s_extremes.Length];
                    Span<byte> word = stackalloc byte[4];
                    if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(word, value); else BinaryPrimitives.WriteInt32LittleEndian(word, value);
                    for (int i = 0; i < 4; i++) bytes[at + i] = word[i];
                    break;
                }
                case 3: // append 1…64 bytes
                {
                    var rng = new Random((int)m.C);
                    for (int i = (int)(b % 64); i >= 0; i--) bytes.Add((byte)rng.Next(256));
                    break;
                }
                case 4 when bytes.Count >= 8: // IDX rank byte, or the model format version
                    if (bigEndian) bytes[3] = (byte)b; else bytes[4] = (byte)b;
                    break;
                case 5 when bytes.Count > 0: // overwrite one byte
                    bytes[(int)(a % bytes.Count)] = (byte)m.C;
                    break;
                case 6: // insert or delete a 4-byte word in the header: one dimension too many or too few
                {
                    int at = 4 * (int)(a % 5);
                    if (at > bytes.Count) break;
                    if (b % 2 == 0 || at + 4 > bytes.Count)
                    {
                        bytes.InsertRange(at, BitConverter.GetBytes(m.C));
                    }
                    else
                    {
                        bytes.RemoveRange(at, 4);
                    }
                    break;
                }
            }
        }
        return bytes.ToArray();
    }

    private static string WriteTemp(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gennet-fuzz-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
