using System.Buffers.Binary;
using System.Text;
using GenNet.Data;
using GenNet.Training;

namespace GenNet.Serialization;

/// <summary>
/// Everything needed to continue an interrupted training run bit-exactly: parameters, optimizer state and step
/// count, sampler position with its generator state, trainer counters, and a free-form metadata string (the
/// trainer app stores its configuration and per-epoch history there as JSON). <c>.gnck</c> by convention.
/// </summary>
/// <remarks>
/// <para>Format version 2, every number little-endian, each string a 4-byte length then that many UTF-8 bytes:</para>
/// <code>
/// field                        size
/// magic "GNCK"                 4
/// format version, uint32 = 2   4
/// architecture hash, uint64    8
/// architecture string          4 + A
/// parameter count P, int32     4
/// parameters, float32          4·P
/// optimizer name string        4 + N   (the name given to Optimizers.Create)
/// learning rate, float32       4
/// optimizer steps, int64       8
/// optimizer state count S      4
/// optimizer state, float32     4·S
/// sampler: epoch int32, position int32, in-epoch byte, rng s0..s3 4×uint64, spare gaussian float32, has-spare byte   46
/// trainer: epochs completed int32, step in epoch int32, samples in epoch int32, loss sum float64,
///          epoch seconds float64, total steps int64                                                                 36
/// training rng: present byte, then (when 1) s0..s3 4×uint64, spare gaussian float32, has-spare byte   1 or 38
/// weight average: present byte, then (when 1) decay float32, updates int64, P, the P averaged float32   1 or 17 + 4·P
/// metadata string              4 + M
/// CRC-32 (zlib) of every byte before it   4
/// </code>
/// <para>Version 1 is version 2 without the weight-average field (older GenNet builds wrote it); it is still read.</para>
/// <para><see cref="Save(Checkpoint, string)"/> writes a temporary file beside the target, flushes it to disk and renames it over the
/// target (as <see cref="ModelFile"/> does), so an interruption while saving leaves the previous checkpoint.
/// <see cref="Load"/> checks magic, version and the checksum over the whole file before it reads any field, then
/// bounds every length by the bytes that remain. Because a hand-edited file with a recomputed checksum passes that
/// check, every field is then validated on its own: a known optimizer name, a finite positive learning rate, finite
/// parameters and optimizer state, non-negative counters, non-zero generator states, and counters that agree with
/// each other (the trainer's total steps cover its steps in the epoch, the sampler's epoch and position match the
/// trainer's; the optimizer's step count is not compared, since an optimizer may also be stepped outside a trainer);
/// <see cref="RestoreInto"/> adds the checks that need the network and data (sizes, a step inside the epoch). Each
/// failure is an <see cref="InvalidDataException"/> whose message starts with the file name and names the field.</para>
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The four bytes every checkpoint starts with: "GNCK".</summary>
    public static ReadOnlySpan<byte> Magic => "GNCK"u8;
    /// <summary>The format version this build writes and reads.</summary>
    public const uint FormatVersion = 2;
    /// <summary>Largest checkpoint file read (1 GiB): a bound on what a damaged file can make us allocate.</summary>
    public const long MaxFileBytes = 1L << 30;
    private const int MaxStringBytes = 1 << 24;

    /// <summary>Canonical architecture text of the network (<see cref="INetwork.Architecture"/>).</summary>
    public required string Architecture { get; init; }
    /// <summary><see cref="INetwork.ArchitectureHash"/>.</summary>
    public required ulong ArchitectureHash { get; init; }
    /// <summary>The parameter arena.</summary>
    public required float[] Parameters { get; init; }
    /// <summary>Name of the optimizer, as accepted by <see cref="Optimizers.Create"/>.</summary>
    public required string OptimizerName { get; init; }
    /// <summary>The optimizer's learning rate when the checkpoint was taken.</summary>
    public required float LearningRate { get; init; }
    /// <summary><see cref="Optimizer.Steps"/>.</summary>
    public required long OptimizerSteps { get; init; }
    /// <summary><see cref="Optimizer.State"/>.</summary>
    public required float[] OptimizerState { get; init; }
    /// <summary><see cref="BatchSampler.GetState"/>.</summary>
    public required SamplerState Sampler { get; init; }
    /// <summary><see cref="Trainer.State"/>.</summary>
    public required TrainerState Trainer { get; init; }
    /// <summary><see cref="INetwork.TrainingRng"/>'s state (dropout masks), or null for a network without one.</summary>
    public RngState? TrainingRng { get; init; }
    /// <summary>The trainer's <see cref="Trainer.Average"/>, or null for a run without one.</summary>
    public WeightAverageState? Average { get; init; }
    /// <summary>Free-form text for the application (empty when none).</summary>
    public string Metadata { get; init; } = "";

    /// <summary>Takes a checkpoint of <paramref name="trainer"/>'s run (its network, optimizer, sampler and position), stopped between steps.</summary>
    public static Checkpoint Capture(Trainer trainer, string metadata = "")
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(metadata);
        (INetwork network, Optimizer optimizer, BatchSampler sampler) = (trainer.Network, trainer.Optimizer, trainer.Sampler);
        return new Checkpoint
        {
            Architecture = network.Architecture,
            ArchitectureHash = network.ArchitectureHash,
            Parameters = network.Parameters.ToArray(),
            OptimizerName = optimizer.Name,
            LearningRate = optimizer.LearningRate,
            OptimizerSteps = optimizer.Steps,
            OptimizerState = optimizer.State.ToArray(),
            Sampler = sampler.GetState(),
            Trainer = trainer.State,
            TrainingRng = network.TrainingRng?.Save(),
            Average = trainer.Average is { } average ? new WeightAverageState(average.Decay, average.Updates, average.Values.ToArray()) : null,
            Metadata = metadata,
        };
    }

    /// <summary>
    /// Puts the checkpoint back into a freshly built trainer: its network, its optimizer (of the kind
    /// <see cref="OptimizerName"/> names), its sampler (same data and batch size) and its position. Everything is
    /// checked before anything is changed.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint does not fit the trainer's network, optimizer or sampler.</exception>
    public void RestoreInto(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        (INetwork network, Optimizer optimizer, BatchSampler sampler) = (trainer.Network, trainer.Optimizer, trainer.Sampler);
        if (OptimizerName != optimizer.Name)
        {
            throw new InvalidDataException($"The checkpoint was taken with the {OptimizerName} optimizer but the trainer's is {optimizer.Name}.");
        }
        if (ArchitectureHash != network.ArchitectureHash || Architecture != network.Architecture)
        {
            throw new InvalidDataException($"The checkpoint was taken from \"{Architecture}\" but the network is \"{network.Architecture}\".");
        }
        if (Parameters.Length != network.ParameterCount)
        {
            throw new InvalidDataException($"The checkpoint holds {Parameters.Length} parameters but the network has {network.ParameterCount}.");
        }
        if (OptimizerState.Length != optimizer.State.Length)
        {
            throw new InvalidDataException($"The checkpoint's {OptimizerName} state holds {OptimizerState.Length} floats but the optimizer's holds {optimizer.State.Length}.");
        }
        if (Sampler.Position > sampler.Count)
        {
            throw new InvalidDataException($"The checkpoint's sampler stood at sample {Sampler.Position} of an epoch, but the data set has {sampler.Count}.");
        }
        if (Trainer.StepInEpoch > sampler.BatchesPerEpoch)
        {
            throw new InvalidDataException($"The checkpoint's trainer stood at step {Trainer.StepInEpoch} of an epoch, but an epoch of {sampler.Count} samples in batches of {sampler.BatchSize} has {sampler.BatchesPerEpoch}.");
        }
        // The same checks BatchSampler.Restore, Rng.Restore and Trainer.Restore make, done first so that a bad
        // checkpoint changes nothing.
        RngState rng = Sampler.Rng;
        if (Sampler.Epoch < 0 || Sampler.Position < 0 || (Sampler.InEpoch && Sampler.Epoch == 0) || (rng.S0 | rng.S1 | rng.S2 | rng.S3) == 0)
        {
            throw new InvalidDataException($"The checkpoint's sampler state {Sampler} is not valid.");
        }
        if (Trainer.EpochsCompleted < 0 || Trainer.StepInEpoch < 0 || Trainer.SamplesInEpoch < 0 || Trainer.TotalSteps < 0
            || !double.IsFinite(Trainer.LossSum) || !double.IsFinite(Trainer.EpochSeconds) || Trainer.EpochSeconds < 0)
        {
            throw new InvalidDataException($"The checkpoint's trainer state {Trainer} is not valid.");
        }
        if (TrainingRng.HasValue != (network.TrainingRng is not null))
        {
            throw new InvalidDataException(TrainingRng.HasValue
                ? "The checkpoint holds a training generator (dropout) but the network has none."
                : "The network draws dropout masks but the checkpoint holds no training generator state.");
        }
        if (TrainingRng is { } masks && (masks.S0 | masks.S1 | masks.S2 | masks.S3) == 0)
        {
            throw new InvalidDataException($"The checkpoint's training generator state {masks} is not valid.");
        }
        if (Average.HasValue != (trainer.Average is not null))
        {
            throw new InvalidDataException(Average.HasValue
                ? $"The checkpoint holds a weight average (decay {Average.Value.Decay:G9}) but the trainer has none."
                : $"The trainer keeps a weight average (decay {trainer.Average!.Decay:G9}) but the checkpoint holds none.");
        }
        if (Average is { } saved)
        {
            if (saved.Decay != trainer.Average!.Decay)
            {
                throw new InvalidDataException($"The checkpoint's weight average has decay {saved.Decay:G9} but the trainer's has {trainer.Average.Decay:G9}.");
            }
            if (saved.Values.Length != network.ParameterCount || trainer.Average.ParameterCount != network.ParameterCount
                || saved.Updates < 0 || Training.Trainer.FindNonFinite(saved.Values) >= 0)
            {
                throw new InvalidDataException($"The checkpoint's weight average ({saved.Values.Length} values after {saved.Updates} updates) does not fit the network's {network.ParameterCount} finite parameters.");
            }
        }
        sampler.Restore(Sampler);
        trainer.Restore(Trainer);
        if (TrainingRng is { } state)
        {
            network.TrainingRng!.Restore(state);
        }
        if (Average is { } average)
        {
            trainer.Average!.Restore(average.Values, average.Updates);
        }
        optimizer.LearningRate = LearningRate;
        optimizer.RestoreSteps(OptimizerSteps);
        OptimizerState.CopyTo(optimizer.State);
        Parameters.CopyTo(network.Parameters);
    }

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">The parameters or the optimizer state hold a NaN or an infinity (such a checkpoint could never be loaded).</exception>
    /// <exception cref="IOException">Writing failed (a full disk, say); the previous file is untouched and no temporary file is left.</exception>
    public static void Save(Checkpoint checkpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Training.Trainer.FindNonFinite(checkpoint.Parameters) is int p and >= 0)
        {
            throw new ArgumentException($"Parameter {p} is {checkpoint.Parameters[p]}; a checkpoint holds finite parameters only.", nameof(checkpoint));
        }
        if (Training.Trainer.FindNonFinite(checkpoint.OptimizerState) is int s and >= 0)
        {
            throw new ArgumentException($"Optimizer state value {s} is {checkpoint.OptimizerState[s]}; a checkpoint holds finite values only.", nameof(checkpoint));
        }
        if (checkpoint.Average is { } average)
        {
            if (Training.Trainer.FindNonFinite(average.Values) is int a and >= 0)
            {
                throw new ArgumentException($"Weight average value {a} is {average.Values[a]}; a checkpoint holds finite values only.", nameof(checkpoint));
            }
            if (average.Values.Length != checkpoint.Parameters.Length || !(average.Decay > 0f && average.Decay < 1f)
                || average.Updates < 0 || average.Updates > checkpoint.Trainer.TotalSteps)
            {
                throw new ArgumentException($"The weight average ({average.Values.Length} values, decay {average.Decay}, {average.Updates} updates) does not fit " +
                    $"{checkpoint.Parameters.Length} parameters after {checkpoint.Trainer.TotalSteps} steps.", nameof(checkpoint));
            }
        }
        byte[] bytes = checkpoint.Serialize();
        AtomicFile.Write(path, file => file.Write(bytes));
    }

    /// <summary>
    /// Writes a checkpoint of <paramref name="trainer"/>'s run (its network, optimizer, sampler and position) to
    /// <paramref name="path"/>, atomically; call it between runs or from the trainer's callbacks.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters or the optimizer state hold a NaN or an infinity.</exception>
    /// <exception cref="IOException">Writing failed; a previous file at the path is untouched.</exception>
    public static void Save(Trainer trainer, string path, string metadata = "") => Save(Capture(trainer, metadata), path);

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> into a freshly built <paramref name="trainer"/> (its network,
    /// optimizer, sampler and position), so that <see cref="Trainer.Run"/> continues the run bit-exactly; returns it
    /// for its metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint, or it does not fit the trainer (another network or optimizer, or a sampler position its data cannot have).</exception>
    public static Checkpoint LoadInto(string path, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        Checkpoint checkpoint = Load(path);
        checkpoint.RestoreInto(trainer);
        return checkpoint;
    }

    /// <summary>Reads and checks the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The path names a directory, FIFO or device; or the file is not a checkpoint, of another version, damaged,
    /// truncated, or holds a field outside its valid range (the message names the field).
    /// </exception>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileProbe.RequireRegularFile(path, "Checkpoint file");
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw Error(path, $"{length} bytes is larger than any checkpoint this GenNet writes ({MaxFileBytes})");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    internal byte[] Serialize()
    {
        var stream = new MemoryStream();
        var w = new BinaryWriter(stream, Encoding.UTF8); // BinaryWriter is little-endian on every platform
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(ArchitectureHash);
        WriteString(w, Architecture);
        WriteFloats(w, Parameters);
        WriteString(w, OptimizerName);
        w.Write(LearningRate);
        w.Write(OptimizerSteps);
        WriteFloats(w, OptimizerState);
        w.Write(Sampler.Epoch);
        w.Write(Sampler.Position);
        w.Write(Sampler.InEpoch);
        WriteRng(w, Sampler.Rng);
        w.Write(Trainer.EpochsCompleted);
        w.Write(Trainer.StepInEpoch);
        w.Write(Trainer.SamplesInEpoch);
        w.Write(Trainer.LossSum);
        w.Write(Trainer.EpochSeconds);
        w.Write(Trainer.TotalSteps);
        w.Write(TrainingRng.HasValue);
        if (TrainingRng is { } rng)
        {
            WriteRng(w, rng);
        }
        w.Write(Average.HasValue);
        if (Average is { } average)
        {
            w.Write(average.Decay);
            w.Write(average.Updates);
            WriteFloats(w, average.Values);
        }
        WriteString(w, Metadata);
        w.Flush();
        uint crc = Crc32.Compute(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        w.Write(crc);
        w.Flush();
        return stream.ToArray();
    }

    internal static Checkpoint Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw Error(path, "not a GenNet checkpoint (it does not start with \"GNCK\")");
        }
        if (bytes.Length < 12)
        {
            throw Error(path, $"truncated: {bytes.Length} bytes");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (version is not (1 or FormatVersion))
        {
            throw Error(path, $"unsupported checkpoint version {version}; this GenNet reads versions 1 and {FormatVersion}");
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        uint actual = Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4));
        if (stored != actual)
        {
            throw Error(path, $"damaged or truncated: checksum mismatch (stored CRC-32 {stored:x8}, computed {actual:x8})");
        }

        var r = new Reader(bytes, 8, bytes.Length - 4, path);
        ulong hash = r.UInt64();
        string architecture = r.String();
        float[] parameters = r.Floats();
        string optimizerName = r.String();
        float learningRate = r.Single();
        long steps = r.Int64();
        float[] state = r.Floats();
        var sampler = new SamplerState(r.Int32(), r.Int32(), r.Bool(), ReadRng(ref r));
        var trainer = new TrainerState(r.Int32(), r.Int32(), r.Int32(), r.Double(), r.Double(), r.Int64());
        RngState? trainingRng = r.Bool() ? ReadRng(ref r) : null;
        WeightAverageState? average = version >= 2 && r.Bool() ? new WeightAverageState(r.Single(), r.Int64(), r.Floats()) : null;
        string metadata = r.String();
        if (!r.AtEnd)
        {
            throw Error(path, "trailing bytes after the metadata");
        }
        // The checksum only proves the bytes are the ones written; a hand-edited file with a recomputed checksum
        // passes it, so every field is checked on its own, each failure naming the field.
        if (!Optimizers.Names.Contains(optimizerName, StringComparer.Ordinal))
        {
            throw Invalid(path, "optimizer name", $"\"{optimizerName}\"", $"one of {string.Join(", ", Optimizers.Names)}");
        }
        if (!float.IsFinite(learningRate) || learningRate <= 0)
        {
            throw Invalid(path, "learning rate", learningRate, "a finite number greater than 0");
        }
        if (steps < 0)
        {
            throw Invalid(path, "optimizer steps", steps, "at least 0");
        }
        CheckFinite(path, "parameters", parameters);
        CheckFinite(path, "optimizer state", state);
        if (sampler.Epoch < 0)
        {
            throw Invalid(path, "sampler epoch", sampler.Epoch, "at least 0");
        }
        if (sampler.Position < 0)
        {
            throw Invalid(path, "sampler position", sampler.Position, "at least 0");
        }
        if (sampler.InEpoch && sampler.Epoch == 0)
        {
            throw Invalid(path, "sampler in-epoch flag", "set in epoch 0", "clear before the first epoch");
        }
        CheckRng(path, "sampler generator state", sampler.Rng);
        if (trainingRng is { } masks)
        {
            CheckRng(path, "training generator state", masks);
        }
        if (trainer.EpochsCompleted < 0)
        {
            throw Invalid(path, "trainer epochs completed", trainer.EpochsCompleted, "at least 0");
        }
        if (trainer.StepInEpoch < 0)
        {
            throw Invalid(path, "trainer step in epoch", trainer.StepInEpoch, "at least 0");
        }
        if (trainer.SamplesInEpoch < 0 || (trainer.SamplesInEpoch == 0) != (trainer.StepInEpoch == 0))
        {
            throw Invalid(path, "trainer samples in epoch", trainer.SamplesInEpoch, $"at least 1 after {trainer.StepInEpoch} step(s), 0 before the first");
        }
        if (!double.IsFinite(trainer.LossSum) || trainer.LossSum < 0)
        {
            throw Invalid(path, "trainer loss sum", trainer.LossSum, "a finite number of at least 0");
        }
        if (!double.IsFinite(trainer.EpochSeconds) || trainer.EpochSeconds < 0)
        {
            throw Invalid(path, "trainer epoch seconds", trainer.EpochSeconds, "a finite number of at least 0");
        }
        if (trainer.TotalSteps < trainer.StepInEpoch)
        {
            throw Invalid(path, "trainer total steps", trainer.TotalSteps, $"at least the step in epoch, {trainer.StepInEpoch}");
        }
        if (sampler.Epoch != trainer.EpochsCompleted + (sampler.InEpoch ? 1 : 0))
        {
            throw Invalid(path, "sampler epoch", sampler.Epoch,
                $"{trainer.EpochsCompleted + (sampler.InEpoch ? 1 : 0)} (the trainer completed {trainer.EpochsCompleted} epoch(s) and the sampler is {(sampler.InEpoch ? "inside" : "between")} epochs)");
        }
        if (trainer.StepInEpoch > 0 && (!sampler.InEpoch || sampler.Position != trainer.SamplesInEpoch))
        {
            throw Invalid(path, "sampler position", sampler.Position, $"{trainer.SamplesInEpoch}, the samples the trainer took in this epoch");
        }
        if (average is { } a)
        {
            if (!(a.Decay > 0f && a.Decay < 1f))
            {
                throw Invalid(path, "weight average decay", a.Decay, "greater than 0 and less than 1");
            }
            if (a.Updates < 0 || a.Updates > trainer.TotalSteps)
            {
                throw Invalid(path, "weight average updates", a.Updates, $"0 to the trainer's total steps, {trainer.TotalSteps}");
            }
            if (a.Values.Length != parameters.Length)
            {
                throw Invalid(path, "weight average", $"{a.Values.Length} values", $"one per parameter, {parameters.Length}");
            }
            CheckFinite(path, "weight average", a.Values);
        }
        return new Checkpoint
        {
            Architecture = architecture, ArchitectureHash = hash, Parameters = parameters, OptimizerName = optimizerName,
            LearningRate = learningRate, OptimizerSteps = steps, OptimizerState = state, Sampler = sampler, Trainer = trainer,
            TrainingRng = trainingRng, Average = average, Metadata = metadata,
        };
    }

    private static void WriteRng(BinaryWriter w, RngState rng)
    {
        w.Write(rng.S0);
        w.Write(rng.S1);
        w.Write(rng.S2);
        w.Write(rng.S3);
        w.Write(rng.SpareGaussian);
        w.Write(rng.HasSpareGaussian);
    }

    private static RngState ReadRng(ref Reader r) => new(r.UInt64(), r.UInt64(), r.UInt64(), r.UInt64(), r.Single(), r.Bool());

    private static void WriteString(BinaryWriter w, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        w.Write(utf8.Length);
        w.Write(utf8);
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (float v in values)
        {
            w.Write(v);
        }
    }

    private static InvalidDataException Error(string path, string problem) => new($"{Path.GetFileName(path)}: {problem}");

    private static InvalidDataException Invalid(string path, string field, object? value, string expected) =>
        Error(path, $"invalid field '{field}': {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}; expected {expected}");

    private static void CheckFinite(string path, string field, float[] values)
    {
        int bad = Training.Trainer.FindNonFinite(values);
        if (bad >= 0)
        {
            throw Invalid(path, field, $"value {bad} is {values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)}", "finite numbers only");
        }
    }

    private static void CheckRng(string path, string field, RngState rng)
    {
        if ((rng.S0 | rng.S1 | rng.S2 | rng.S3) == 0)
        {
            throw Invalid(path, field, "all zero", "a non-zero xoshiro256** state");
        }
        if (!float.IsFinite(rng.SpareGaussian))
        {
            throw Invalid(path, field, $"spare Gaussian {rng.SpareGaussian}", "a finite number");
        }
    }

    /// <summary>Bounds-checked little-endian reads over the checksummed body.</summary>
    private ref struct Reader(byte[] bytes, int position, int end, string path)
    {
        private int _position = position;

        public readonly bool AtEnd => _position == end;

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > end - _position)
            {
                throw Error(path, $"truncated or damaged: a field of {count} bytes at offset {_position} runs past the end of the body ({end} bytes)");
            }
            var span = bytes.AsSpan(_position, count);
            _position += count;
            return span;
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        public bool Bool() => Take(1)[0] != 0;

        public string String()
        {
            int length = Int32();
            if (length > MaxStringBytes)
            {
                throw Error(path, $"damaged: a string of {length} bytes");
            }
            return Encoding.UTF8.GetString(Take(length));
        }

        public float[] Floats()
        {
            int count = Int32();
            if (count < 0 || count > (end - _position) / 4)
            {
                throw Error(path, $"truncated or damaged: {count} floats at offset {_position} do not fit in the file");
            }
            ReadOnlySpan<byte> raw = Take(4 * count);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
            }
            return values;
        }
    }
}
