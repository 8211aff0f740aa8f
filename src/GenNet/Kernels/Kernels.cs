namespace GenNet;

/// <summary>
/// The numeric kernels generated networks call: the dense ones typed by the generated layer
/// (<c>DenseForward&lt;TLayer&gt;</c>, whose Vector512 and Vector256 register tiles are the layer's own code,
/// Kernels.DenseLayer.cs), the others with every size passed as a literal constant.
/// </summary>
/// <remarks>
/// <para>
/// Argument order: outputs, then inputs, then sizes (B = batch, I = inputs, O = outputs). Gradient contract:
/// the dense parameter gradients overwrite (<c>=</c>): a generated network writes every gradient slice once per step and
/// so never clears the arena; activation gradients overwrite (<c>=</c>) too.
/// Weights are row-major [I × O]. Each kernel has a scalar twin in <see cref="Reference"/>: the fallback when no
/// vector width is accelerated, the test oracle and the documentation.
/// </para>
/// <para>
/// One file per op: <c>Kernels.Dense.cs</c> (forward and both backwards, over the GEMM engine in <c>Gemm/</c>, one file
/// per job), <c>Kernels.DenseLayer.cs</c> (the contract with a generated layer's tiles), <c>Kernels.Activations.cs</c>,
/// <c>Kernels.Softmax.cs</c>, <c>Kernels.SquaredError.cs</c>; the scalar twins in <c>Kernels.Reference.cs</c>.
/// Vector paths take the widest accelerated width: Vector512 → Vector256 (FMA behind <c>Fma.IsSupported</c>) →
/// Vector128 → scalar. Every kernel checks its span lengths on entry and throws <see cref="ArgumentException"/>
/// rather than read or write out of bounds.
/// </para>
/// </remarks>
public static partial class Kernels
{
}
