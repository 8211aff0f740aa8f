namespace GenNet;

/// <summary>
/// The numeric kernels generated networks call, with every size passed as a literal constant.
/// </summary>
/// <remarks>
/// <para>
/// Argument order: outputs, then inputs, then sizes (B = batch, I = inputs, O = outputs). Gradient contract:
/// parameter gradients accumulate (<c>+=</c>) unless the call passes <c>accumulate: false</c>, which the generated
/// networks do (each writes every gradient slice once per step and so never clears the arena); activation gradients
/// overwrite (<c>=</c>).
/// Weights are row-major [I × O]. Each kernel has a scalar twin in <see cref="Reference"/>: the fallback when no
/// vector width is accelerated, the test oracle and the documentation.
/// </para>
/// <para>
/// One file per op: <c>Kernels.Dense.cs</c> (forward and both backwards, over the GEMM engine in
/// <c>Kernels.Gemm.cs</c>), <c>Kernels.Activations.cs</c>, <c>Kernels.Softmax.cs</c>, <c>Kernels.SquaredError.cs</c>.
/// Vector paths take the widest accelerated width: Vector512 → Vector256 (FMA behind <c>Fma.IsSupported</c>) →
/// Vector128 → scalar. Every kernel checks its span lengths on entry and throws <see cref="ArgumentException"/>
/// rather than read or write out of bounds.
/// </para>
/// </remarks>
public static partial class Kernels
{
}
