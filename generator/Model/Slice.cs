namespace GenNet.Generator.Model;

/// <summary>The arenas a network allocates once, at construction.</summary>
internal enum ArenaKind
{
    /// <summary>Trainable floats; the gradient arena has the same layout (each slice's twin is named D + its name).</summary>
    Parameters,

    /// <summary>MaxBatchSize rows of every layer's output.</summary>
    Activations,

    /// <summary>MaxBatchSize rows of the gradients with respect to the layers' outputs.</summary>
    ActivationGradients,

    /// <summary>MaxBatchSize rows of per-sample training state, such as dropout masks.</summary>
    Masks,
}

/// <summary>What a layer asks of an arena: the planner places it and names it <c>Prefix + layer number</c>. A layer's
/// parameter slices are its weights, prefix W, and its bias, prefix B: the network's description tells them apart so.</summary>
/// <param name="Length">Floats (per batch row, in the batch arenas); 64 bits so the planner can report an overflow.</param>
/// <param name="IsOutput">The layer's output value (Activations) or the gradient with respect to it (ActivationGradients).</param>
/// <param name="Description">What the slice holds, for the generated file's header.</param>
internal readonly record struct SliceRequest(ArenaKind Arena, string Prefix, long Length, bool IsOutput, string Description);

/// <summary>One named slice of an arena, at a constant offset.</summary>
/// <param name="Name">The generated accessor, e.g. W1 (parameters; its gradient is DW1), A1(rows), DA1(rows), M2(rows).</param>
/// <param name="Offset">Offset in the parameter arena, or column (floats per batch row) in a batch arena.</param>
/// <param name="Length">Floats, or floats per batch row.</param>
internal readonly record struct Slice(ArenaKind Arena, string Name, int Offset, int Length, bool IsOutput, string Description);
