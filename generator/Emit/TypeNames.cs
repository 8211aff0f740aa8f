namespace GenNet.Generator.Emit;

/// <summary>Fully qualified names of every type the generated code references.</summary>
internal static class TypeNames
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string ReadOnlyLabels = "global::System.ReadOnlySpan<int>";
    public const string Math = "global::System.Math";
    public const string ArgumentException = "global::System.ArgumentException";
    public const string UnreachableException = "global::System.Diagnostics.UnreachableException";
    public const string GeneratedCode = "global::System.CodeDom.Compiler.GeneratedCodeAttribute";
    public const string Kernels = "global::GenNet.Kernels";
    public const string IDenseLayerKernels = "global::GenNet.Kernels.IDenseLayerKernels";
    public const string IReductionSteps = "global::GenNet.Kernels.IReductionSteps";
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string MethodImpl = "global::System.Runtime.CompilerServices.MethodImpl";
    public const string MethodImplOptions = "global::System.Runtime.CompilerServices.MethodImplOptions";
    public const string Intrinsics = "global::System.Runtime.Intrinsics";
    public const string X86 = "global::System.Runtime.Intrinsics.X86";
    public const string Activation = "global::GenNet.Activation";
    public const string WorkerPool = "global::GenNet.WorkerPool";
    public const string Arena = "global::GenNet.Arena";
    public const string Guard = "global::GenNet.Guard";
    public const string UseGuard = "global::GenNet.UseGuard";
    public const string Rng = "global::GenNet.Rng";
    public const string Initializers = "global::GenNet.Initializers";
    public const string Optimizer = "global::GenNet.Optimizer";
    public const string INetwork = "global::GenNet.INetwork";
    public const string IClassifier = "global::GenNet.IClassifier";
    public const string IRegressor = "global::GenNet.IRegressor";
    public const string NetworkDescription = "global::GenNet.NetworkDescription";
    public const string LayerDescription = "global::GenNet.LayerDescription";
    public const string LossKind = "global::GenNet.LossKind";
    public const string TensorShape = "global::GenNet.TensorShape";
}
