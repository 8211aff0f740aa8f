namespace GenNet;

/// <summary>
/// A slice of the parameter arena (<see cref="INetwork.Parameters"/>), and of the gradient arena, which has the same
/// layout. <see cref="Length"/> 0 means the layer has no such parameters.
/// </summary>
/// <param name="Offset">Index of the slice's first float in the arena.</param>
/// <param name="Length">Number of floats in the slice.</param>
public readonly record struct ParameterSlice(int Offset, int Length);
