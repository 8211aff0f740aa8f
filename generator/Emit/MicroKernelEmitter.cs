using System.Collections.Generic;
using System.Linq;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>
/// Each Dense layer's register tiles ("micro-kernels"), as a file-local struct the runtime's GEMM engine instantiates its
/// loops over (<c>Kernels.IDenseLayerKernels</c>): the layer's sizes and activations as constants, and per product a
/// straight-line tile with the epilogue fused, 8×32 over 16 Vector512 accumulators and 6×16 over 12 Vector256 ones.
/// The engine keeps the threads, zero lists, packing, tails and the Vector128 and scalar paths.
/// </summary>
internal static class MicroKernelEmitter
{
    /// <summary>The two tile shapes, widest first: the engine's (Kernels.Gemm.cs, TileRows and TileCols).</summary>
    private static readonly TileShape[] Shapes = [new(512, Rows: 8, Lanes: 16), new(256, Rows: 6, Lanes: 8)];

    /// <summary>Columns of the narrowest full tile: a product narrower than this never has one.</summary>
    private const int NarrowestTile = 16;

    public static string TypeName(NetworkSpec spec, DenseLayerSpec layer) => $"{spec.ClassName}Layer{layer.Number}";

    private static string MathName(NetworkSpec spec) => $"{spec.ClassName}TileMath";

    // Forward tiles store act(acc + bias) from registers for the activations whose vector op is lane-for-lane the
    // engine's at any width; Sigmoid (Vector256 exp in the engine's epilogue) and Tanh (scalar) stay in the engine.
    private static bool HasForwardTile(DenseLayerSpec layer) =>
        layer.Outputs >= NarrowestTile && layer.Activation is ActivationKind.None or ActivationKind.ReLU or ActivationKind.LeakyReLU;

    private static bool HasWeightGradientTile(DenseLayerSpec layer) => layer.Outputs >= NarrowestTile;

    private static bool HasInputGradientTile(DenseLayerSpec layer, DenseLayerSpec? previous) => previous is not null && layer.Inputs >= NarrowestTile;

    /// <summary>The previous layer's activation, whose derivative the input gradient applies (mirrors DenseEmitter).</summary>
    public static ActivationKind InputActivation(DenseLayerSpec? previous) =>
        previous is null || previous.HasDropout ? ActivationKind.None : previous.Activation;

    public static void Emit(SourceWriter w, NetworkSpec spec)
    {
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            w.Line();
            EmitLayer(w, spec, spec.Layers[k], k > 0 ? spec.Layers[k - 1] : null);
        }
        w.Line();
        EmitMath(w, spec);
    }

    private static void EmitLayer(SourceWriter w, NetworkSpec spec, DenseLayerSpec layer, DenseLayerSpec? previous)
    {
        int n = layer.Number;
        ActivationKind inputActivation = InputActivation(previous);
        string input = previous is null ? "x" : previous.HasDropout ? $"d{n - 1}" : $"a{n - 1}";
        string affine = $"{input}·W{n}{(layer.HasBias ? $" + b{n}" : "")}";
        w.Line("/// <summary>");
        w.Line($"/// Layer {n} of {spec.ClassName}, Dense {layer.Inputs} → {layer.Outputs}{(layer.Activation == ActivationKind.None ? "" : ", " + layer.Activation)}: its shape and activations as constants and the");
        w.Line("/// register tiles of its products, which the GEMM engine (GenNet's Kernels.Gemm.cs) runs on every full tile of them.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line($"/// Forward, a{n} = {(layer.Activation == ActivationKind.None ? affine : $"{layer.Activation}({affine})")} ({layer.Outputs} columns): {Coverage(layer.Outputs, HasForwardTile(layer), layer.Outputs < NarrowestTile ? "narrower than one tile" : $"{layer.Activation} is computed in the engine's epilogue")}.");
        w.Line($"/// Weight gradient, dW{n} = {input}ᵀ·dZ{n} ({layer.Outputs} columns): {Coverage(layer.Outputs, HasWeightGradientTile(layer), "narrower than one tile")}.");
        w.Line(previous is null
            ? "/// Input gradient: none (first layer)."
            : $"/// Input gradient, dZ{n}·W{n}ᵀ{(inputActivation == ActivationKind.None ? "" : $" ⊙ {inputActivation}′(a{n - 1})")} ({layer.Inputs} columns): {Coverage(layer.Inputs, HasInputGradientTile(layer, previous), "narrower than one tile")}.");
        w.Line("/// Rows come in blocks of 8 (Vector512) or 6 (Vector256). A short last block runs on the engine's own tiles, which");
        w.Line("/// give the same bits, and so does everything on the Vector128 and scalar paths.");
        w.Line("/// </remarks>");
        using (w.Block($"file readonly struct {TypeName(spec, layer)} : {TypeNames.IDenseLayerKernels}"))
        {
            w.Line($"public static int Inputs => {Literals.Int(layer.Inputs)};");
            w.Line($"public static int Outputs => {Literals.Int(layer.Outputs)};");
            w.Line($"public static bool HasBias => {(layer.HasBias ? "true" : "false")};");
            w.Line($"public static {TypeNames.Activation} Activation => {TypeNames.Activation}.{layer.Activation};");
            if (layer.Activation == ActivationKind.LeakyReLU)
            {
                w.Line($"public static float Alpha => {Literals.Float(layer.Alpha)};");
            }
            if (inputActivation != ActivationKind.None)
            {
                w.Line($"public static {TypeNames.Activation} InputActivation => {TypeNames.Activation}.{inputActivation};");
                if (inputActivation == ActivationKind.LeakyReLU)
                {
                    w.Line($"public static float InputAlpha => {Literals.Float(previous!.Alpha)};");
                }
            }
            if (HasForwardTile(layer))
            {
                w.Line("public static bool HasForwardTile => true;");
                w.Line();
                w.Line($"/// <summary>C = {ForwardMath(layer)} for one full tile.</summary>");
                EmitTile(w, spec, "ForwardTile", ", ref float bias", new Epilogue(EpilogueKind.Forward, layer.Activation, layer.Alpha, layer.HasBias));
            }
            if (HasWeightGradientTile(layer))
            {
                w.Line("public static bool HasWeightGradientTile => true;");
                w.Line();
                w.Line("/// <summary>C = acc for one full tile of xᵀ·dZ.</summary>");
                EmitTile(w, spec, "WeightGradientTile", "", new Epilogue(EpilogueKind.Plain, ActivationKind.None, 0f, HasBias: false));
            }
            if (HasInputGradientTile(layer, previous))
            {
                w.Line("public static bool HasInputGradientTile => true;");
                w.Line();
                w.Line(inputActivation == ActivationKind.None
                    ? "/// <summary>C = acc for one full tile of dZ·Wᵀ.</summary>"
                    : $"/// <summary>C = acc ⊙ {DerivativeMath(inputActivation, previous!.Alpha)} for one full tile of dZ·Wᵀ, y = the previous layer's output.</summary>");
                EmitTile(w, spec, "InputGradientTile", ", ref float y",
                    inputActivation == ActivationKind.None
                        ? new Epilogue(EpilogueKind.Plain, ActivationKind.None, 0f, HasBias: false)
                        : new Epilogue(EpilogueKind.Derivative, inputActivation, previous!.Alpha, HasBias: false));
            }
        }
    }

    // Which tiles of a product with this many columns are the layer's own, for the comment.
    private static string Coverage(int columns, bool hasTile, string reason)
    {
        if (!hasTile)
        {
            return $"the engine's tiles ({reason})";
        }
        IEnumerable<string> widths = Shapes.Select(s =>
        {
            int width = 2 * s.Lanes;
            int tail = columns % width;
            string blocks = columns < width ? "none" : $"{columns / width} of {width} columns";
            return $"{blocks}{(tail == 0 ? "" : $" + a {tail}-column tail")} with Vector{s.Bits}";
        });
        return "its own tiles, " + string.Join("; ", widths);
    }

    private static void EmitTile(SourceWriter w, NetworkSpec spec, string name, string extraParameter, Epilogue epilogue)
    {
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line($"public static void {name}<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc{extraParameter})");
        w.Line($"    where TSteps : struct, {TypeNames.IReductionSteps}");
        w.Line("{");
        w.Line("    // References into A and B are moved only to a k that is summed, never past the last one: the GC tracks");
        w.Line("    // references (not pointers), and one past the end of an array may already lie in the next object.");
        w.Line("    int count = steps.Count;");
        w.Line("    nint rs2 = rs + rs, rs3 = rs2 + rs, rs4 = rs2 + rs2;");
        for (int s = 0; s < Shapes.Length; s++)
        {
            TileShape shape = Shapes[s];
            w.Line($"    {(s == 0 ? "if" : "else if")} ({TypeNames.Kernels}.VectorWidth == {shape.Bits})");
            w.Line("    {");
            EmitShape(w, spec, shape, epilogue);
            w.Line("    }");
        }
        w.Line("    else");
        w.Line("    {");
        w.Line("        // The engine calls a tile only on the Vector512 and Vector256 paths.");
        w.Line($"        throw new {TypeNames.UnreachableException}();");
        w.Line("    }");
        w.Line("}");
        w.Line();
    }

    private static void EmitShape(SourceWriter w, NetworkSpec spec, TileShape shape, Epilogue epilogue)
    {
        string m = MathName(spec);
        string vector = $"{TypeNames.Intrinsics}.Vector{shape.Bits}<float>";
        string indent = "        ";
        int half = shape.Rows / 2;
        w.Line($"{indent}// {shape.Rows}×{2 * shape.Lanes}: {2 * shape.Rows} Vector{shape.Bits} accumulators, c[row][vector].");
        w.Line($"{indent}{vector} {string.Join(", ", Accumulators(shape).Select(a => a + " = default"))};");
        w.Line($"{indent}if (count > 0)");
        w.Line($"{indent}{{");
        w.Line($"{indent}    ref float ak = ref {TypeNames.Unsafe}.Add(ref a, steps.First * cs);");
        w.Line($"{indent}    ref float bk = ref {TypeNames.Unsafe}.Add(ref b, steps.First * ldb);");
        w.Line($"{indent}    for (int n = 0; ; )");
        w.Line($"{indent}    {{");
        w.Line($"{indent}        // Rows {half}–{shape.Rows - 1} from a second reference: strides of 5, 6 and 7 rows have no address mode.");
        w.Line($"{indent}        ref float ah = ref {TypeNames.Unsafe}.Add(ref ak, rs{half});");
        w.Line($"{indent}        {vector} b0 = {m}.Load{shape.Bits}(ref bk, 0), b1 = {m}.Load{shape.Bits}(ref bk, {shape.Lanes});");
        for (int r = 0; r < shape.Rows; r++)
        {
            string row = r < half ? "ak" : "ah";
            int within = r % half;
            string stride = within == 0 ? "0" : within == 1 ? "rs" : $"rs{within}";
            w.Line($"{indent}        {(r == 0 ? vector + " " : "")}av = {m}.Broadcast{shape.Bits}(ref {row}, {stride});");
            w.Line($"{indent}        c{r}0 = {m}.MultiplyAdd(av, b0, c{r}0); c{r}1 = {m}.MultiplyAdd(av, b1, c{r}1);");
        }
        w.Line($"{indent}        if (++n == count)");
        w.Line($"{indent}        {{");
        w.Line($"{indent}            break;");
        w.Line($"{indent}        }}");
        w.Line($"{indent}        nint next = steps.ToNext(n - 1);");
        w.Line($"{indent}        ak = ref {TypeNames.Unsafe}.Add(ref ak, next * cs);");
        w.Line($"{indent}        bk = ref {TypeNames.Unsafe}.Add(ref bk, next * ldb);");
        w.Line($"{indent}    }}");
        w.Line($"{indent}}}");
        EmitStores(w, spec, shape, epilogue, indent);
    }

    private static void EmitStores(SourceWriter w, NetworkSpec spec, TileShape shape, Epilogue epilogue, string indent)
    {
        string m = MathName(spec);
        string vector = $"{TypeNames.Intrinsics}.Vector{shape.Bits}<float>";
        w.Line($"{indent}// {EpilogueComment(epilogue)}, row by row.");
        if (epilogue.Kind == EpilogueKind.Forward && epilogue.HasBias)
        {
            w.Line($"{indent}{vector} bias0 = {m}.Load{shape.Bits}(ref bias, 0), bias1 = {m}.Load{shape.Bits}(ref bias, {shape.Lanes});");
        }
        for (int r = 0; r < shape.Rows; r++)
        {
            if (r > 0)
            {
                w.Line($"{indent}c = ref {TypeNames.Unsafe}.Add(ref c, ldc);");
                if (epilogue.Kind == EpilogueKind.Derivative)
                {
                    w.Line($"{indent}y = ref {TypeNames.Unsafe}.Add(ref y, ldc);");
                }
            }
            w.Line($"{indent}{m}.Store(ref c, 0, {Value(m, epilogue, shape, r, 0)}); {m}.Store(ref c, {shape.Lanes}, {Value(m, epilogue, shape, r, 1)});");
        }
    }

    // One stored vector: the same lane-wise ops, in the same order, as the engine's ITileStore and Epilogue.
    private static string Value(string math, Epilogue epilogue, TileShape shape, int row, int half)
    {
        string m = math + ".";
        string acc = $"c{row}{half}";
        switch (epilogue.Kind)
        {
            case EpilogueKind.Forward:
                string z = epilogue.HasBias ? $"{acc} + bias{half}" : acc;
                return epilogue.Activation switch
                {
                    ActivationKind.ReLU => $"{m}Relu({z})",
                    ActivationKind.LeakyReLU => $"{m}LeakyRelu({z}, {Literals.Float(epilogue.Alpha)})",
                    _ => z,
                };
            case EpilogueKind.Derivative:
                string y = $"{m}Load{shape.Bits}(ref y, {(half == 0 ? 0 : shape.Lanes)})";
                string derivative = epilogue.Activation switch
                {
                    ActivationKind.ReLU => $"{m}ReluDerivative({y})",
                    ActivationKind.LeakyReLU => $"{m}LeakyReluDerivative({y}, {Literals.Float(epilogue.Alpha)})",
                    ActivationKind.Sigmoid => $"{m}SigmoidDerivative({y})",
                    _ => $"{m}TanhDerivative({y})",
                };
                return $"{acc} * {derivative}";
            default:
                return acc;
        }
    }

    private static IEnumerable<string> Accumulators(TileShape shape)
    {
        for (int r = 0; r < shape.Rows; r++)
        {
            yield return $"c{r}0";
            yield return $"c{r}1";
        }
    }

    private static string EpilogueComment(Epilogue epilogue) => epilogue.Kind switch
    {
        EpilogueKind.Forward => "Store " + (epilogue.Activation switch
        {
            ActivationKind.ReLU => "max(0, z)",
            ActivationKind.LeakyReLU => $"z > 0 ? z : {Literals.Float(epilogue.Alpha)}·z",
            _ => "z",
        }) + (epilogue.HasBias ? ", z = acc + bias" : ", z = acc"),
        EpilogueKind.Derivative => $"Store acc ⊙ {DerivativeMath(epilogue.Activation, epilogue.Alpha)}",
        _ => "Store acc",
    };

    private static string ForwardMath(DenseLayerSpec layer)
    {
        string z = layer.HasBias ? "acc + bias" : "acc";
        return layer.Activation switch
        {
            ActivationKind.ReLU => $"max(0, {z})",
            ActivationKind.LeakyReLU => $"z > 0 ? z : {Literals.Float(layer.Alpha)}·z, z = {z}",
            _ => z,
        };
    }

    private static string DerivativeMath(ActivationKind activation, float alpha) => activation switch
    {
        ActivationKind.ReLU => "[y > 0]",
        ActivationKind.LeakyReLU => $"(y > 0 ? 1 : {Literals.Float(alpha)})",
        ActivationKind.Sigmoid => "y(1 − y)",
        _ => "(1 − y²)",
    };

    /// <summary>The lane-wise helpers the tiles call, once per file: loads, broadcasts and stores through references,
    /// the FMA (Vector256's behind <c>Fma.IsSupported</c>, as the engine's), the activations and their derivatives.</summary>
    private static void EmitMath(SourceWriter w, NetworkSpec spec)
    {
        string inline = $"[{TypeNames.MethodImpl}({TypeNames.MethodImplOptions}.AggressiveInlining)]";
        w.Line($"/// <summary>Lane-wise helpers of {spec.ClassName}'s register tiles, exactly the GenNet engine's operations.</summary>");
        using (w.Block($"file static class {MathName(spec)}"))
        {
            foreach (TileShape shape in Shapes)
            {
                string v = $"{TypeNames.Intrinsics}.Vector{shape.Bits}<float>";
                string type = $"{TypeNames.Intrinsics}.Vector{shape.Bits}";
                w.Line($"{inline} public static {v} Load{shape.Bits}(ref float p, nint i) => {type}.LoadUnsafe(ref {TypeNames.Unsafe}.Add(ref p, i));");
                w.Line($"{inline} public static {v} Broadcast{shape.Bits}(ref float p, nint i) => {type}.Create({TypeNames.Unsafe}.Add(ref p, i));");
                w.Line($"{inline} public static void Store(ref float p, nint i, {v} value) => {type}.StoreUnsafe(value, ref {TypeNames.Unsafe}.Add(ref p, i));");
                w.Line(shape.Bits == 512
                    ? $"{inline} public static {v} MultiplyAdd({v} a, {v} b, {v} c) => {TypeNames.X86}.Avx512F.FusedMultiplyAdd(a, b, c);"
                    : $"{inline} public static {v} MultiplyAdd({v} a, {v} b, {v} c) => {TypeNames.X86}.Fma.IsSupported ? {TypeNames.X86}.Fma.MultiplyAdd(a, b, c) : a * b + c;");
                w.Line($"{inline} public static {v} Relu({v} z) => z & {type}.GreaterThan(z, {v}.Zero);");
                w.Line($"{inline} public static {v} LeakyRelu({v} z, float alpha) => {type}.ConditionalSelect({type}.GreaterThan(z, {v}.Zero), z, {type}.Create(alpha) * z);");
                w.Line($"{inline} public static {v} ReluDerivative({v} y) => {type}.GreaterThan(y, {v}.Zero) & {v}.One;");
                w.Line($"{inline} public static {v} LeakyReluDerivative({v} y, float alpha) => {type}.ConditionalSelect({type}.GreaterThan(y, {v}.Zero), {v}.One, {type}.Create(alpha));");
                w.Line($"{inline} public static {v} SigmoidDerivative({v} y) => y * ({v}.One - y);");
                w.Line($"{inline} public static {v} TanhDerivative({v} y) => {v}.One - y * y;");
            }
        }
    }

    private readonly record struct TileShape(int Bits, int Rows, int Lanes);

    private enum EpilogueKind
    {
        Forward,
        Plain,
        Derivative,
    }

    private readonly record struct Epilogue(EpilogueKind Kind, ActivationKind Activation, float Alpha, bool HasBias);
}
