using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>
/// Each Dense layer's register tiles ("micro-kernels"), as a struct nested in the network class (<c>Net.Layer1</c>, internal
/// so tests and benchmarks of the same assembly can name it) that the runtime's GEMM engine instantiates its loops over
/// (<c>Kernels.IDenseLayerKernels</c>): the layer's sizes and activations as constants and, per product, straight-line
/// tiles shaped by the product's width: two vectors wide (8×32 over 16 Vector512 accumulators, 6×16 over 12 Vector256
/// ones) or, for a product no wider than one vector, one vector per row. Each product has a tile with its epilogue fused
/// for full tiles and an accumulator tile (acc into the engine's scratch) for row and column tails, whose valid part the
/// engine's epilogue stores, and, where a product's last column block holds at most one vector, a one-vector tail tile
/// for that block; these are the only Vector512 and Vector256 tiles there are. The engine keeps the threads,
/// zero lists, packing, the one-row path and the Vector128 and scalar paths.
/// </summary>
internal static class DenseTileEmitter
{
    /// <summary>The two vector widths with tiles, widest first, shaped as the engine's (Gemm/Kernels.Gemm.cs, TileRows and
    /// TileCols).</summary>
    private static readonly TileShape[] Shapes = [new(512, Rows: 8, Lanes: 16), new(256, Rows: 6, Lanes: 8)];

    /// <summary>The layer's struct, as named inside the network class.</summary>
    public static string TypeName(NetworkSpec spec, DenseSpec layer) => $"Layer{layer.Number}";

    private static string MathName(NetworkSpec spec) => $"{spec.ClassName}TileMath";

    // Forward tiles store act(acc + bias) from registers for the activations whose vector op is lane-for-lane the
    // engine's at any width; Sigmoid (Vector256 exp in the engine's epilogue) and Tanh (scalar) are stored by the engine's
    // epilogue from the accumulator tile.
    private static bool HasForwardTile(DenseSpec layer) =>
        layer.Activation is ActivationKind.None or ActivationKind.ReLU or ActivationKind.LeakyReLU;

    /// <summary>
    /// The engine's tile for a product <paramref name="columns"/> wide at one width: one vector per row when the result is
    /// at most one vector wide (its only column block, full or not), two vectors when at least one full block of two
    /// fits, and none otherwise (a single short block, which the engine pads).
    /// </summary>
    private static TileKind KindOf(TileShape shape, int columns) =>
        columns <= shape.Lanes ? TileKind.OneVector : columns >= 2 * shape.Lanes ? TileKind.TwoVectors : TileKind.None;

    /// <summary>The tile of a product <paramref name="columns"/> wide that leaves its accumulators in the engine's scratch:
    /// one vector when the result is at most one vector wide, else two (the engine pads a short column block).</summary>
    private static TileKind AccumulatorKindOf(TileShape shape, int columns) =>
        columns <= shape.Lanes ? TileKind.OneVector : TileKind.TwoVectors;

    /// <summary>
    /// The tile for the last column block of a product at least two vectors wide whose remainder fits one vector (100
    /// columns with Vector256: 6 blocks of 16 and 4 left): one vector per row, so that block costs about two thirds of a
    /// two-vector tile instead of a whole one. The engine uses it exactly when this returns a kind (Gemm/Kernels.Gemm.Blocking.cs).
    /// </summary>
    private static TileKind TailKindOf(TileShape shape, int columns)
    {
        int tail = columns % (2 * shape.Lanes);
        return columns >= 2 * shape.Lanes && tail > 0 && tail <= shape.Lanes ? TileKind.OneVector : TileKind.None;
    }

    private static string TailComment(int columns) => string.Join("; ", Shapes
        .Where(shape => TailKindOf(shape, columns) != TileKind.None)
        .Select(shape => $"the last {columns % (2 * shape.Lanes)} column{(columns % (2 * shape.Lanes) == 1 ? "" : "s")} with Vector{shape.Bits}"));

    /// <summary>The layer's struct, nested in the network class: its constants and its tiles.</summary>
    /// <remarks><paramref name="kind"/> names the product in the struct's summary: a Dense layer's own, or a convolution's
    /// product over patches (Conv2DEmitter passes a Dense spec of K = C·KH·KW inputs and F units). The input gradient's
    /// columns are the layer's inputs unless <paramref name="inputGradientColumns"/> names others (a convolution computes
    /// its patches' gradient transposed, Wᵀ·dZ, with the P output positions as columns).</remarks>
    public static void EmitLayer(SourceWriter w, NetworkSpec spec, DenseSpec layer, string kind = "Dense", (int Count, string Name)? inputGradientColumns = null)
    {
        int n = layer.Number;
        (int gradientColumns, string gradientColumnName) = inputGradientColumns ?? (layer.Inputs, "inputs");
        ActivationKind inputActivation = layer.InputActivation;
        string input = layer.Flow.Input.ToLowerInvariant();
        string inputGradient = layer.Flow.InputGradient is { } g ? g.ToLowerInvariant() : "";
        string affine = $"{input}·W{n}{(layer.HasBias ? $" + b{n}" : "")}";
        w.Line("/// <summary>");
        w.Line($"/// Layer {n} of {spec.ClassName}, {kind} {layer.Inputs} → {layer.Outputs}{(layer.Activation == ActivationKind.None ? "" : ", " + layer.Activation)}: its shape and activations as constants and the");
        w.Line("/// register tiles of its products, which the GEMM engine (GenNet's Kernels/Gemm) runs on every tile of them.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        bool convolution = inputGradientColumns is not null;
        string forwardCoverage = HasForwardTile(layer) ? Coverage(convolution ? gradientColumns : layer.Outputs) : $"accumulator tiles only ({layer.Activation} is computed in the engine's epilogue)";
        w.Line(convolution
            ? $"/// Forward, with the filters as rows, W{n}·patchesᵀ{(layer.HasBias ? $" + b{n} per row" : "")}{(layer.Activation == ActivationKind.None ? "" : $", then {layer.Activation}")}, over the {Literals.Int(gradientColumns)} {gradientColumnName}: {forwardCoverage}."
            : $"/// Forward, a{n} = {(layer.Activation == ActivationKind.None ? affine : $"{layer.Activation}({affine})")}: {forwardCoverage}.");
        w.Line($"/// Weight gradient, dW{n} = {input}ᵀ·dZ{n}: {Coverage(layer.Outputs)}.");
        w.Line(layer.Flow.InputGradient is null
            ? "/// Input gradient: none (first layer)."
            : inputGradientColumns is null
                ? $"/// Input gradient, {inputGradient} = dZ{n}·W{n}ᵀ{(inputActivation == ActivationKind.None ? "" : $" ⊙ {inputActivation}′({input})")}: {Coverage(gradientColumns)}."
                : $"/// Input gradient of the patches, transposed, W{n}ᵀ·dZ{n} over the {Literals.Int(gradientColumns)} {gradientColumnName}: {Coverage(gradientColumns)}.");
        w.Line("/// Rows come in blocks of 8 (Vector512) or 6 (Vector256). A short last block, and a short column block the engine");
        w.Line("/// pads, run on the accumulator tiles (a last column block of at most one vector, on the one-vector tail tiles) and");
        w.Line("/// leave through the engine's epilogue, which gives the same bits; the Vector128 and scalar paths are the engine's.");
        w.Line("/// </remarks>");
        using (w.Block($"internal readonly struct {TypeName(spec, layer)} : {TypeNames.IDenseLayerKernels}"))
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
                    w.Line($"public static float InputAlpha => {Literals.Float(layer.InputAlpha)};");
                }
            }
            if (convolution)
            {
                w.Line($"public static int InputGradientColumns => {Literals.Int(gradientColumns)};");
            }
            if (HasForwardTile(layer) && convolution)
            {
                w.Line("public static bool HasPositionsForwardTile => true;");
                w.Line();
                w.Line($"/// <summary>C = {ForwardMath(layer).Replace("bias", "bias[row]")} for one full tile of the forward product over the {Literals.Int(gradientColumns)} {gradientColumnName}.</summary>");
                EmitTile(w, spec, "PositionsForwardTile", ", ref float bias", gradientColumns, new Epilogue(EpilogueKind.RowBias, layer.Activation, layer.Alpha, layer.HasBias));
            }
            else if (HasForwardTile(layer))
            {
                w.Line("public static bool HasForwardTile => true;");
                w.Line();
                w.Line($"/// <summary>C = {ForwardMath(layer)} for one full tile of {Literals.Int(layer.Outputs)} columns' product.</summary>");
                EmitTile(w, spec, "ForwardTile", ", ref float bias", layer.Outputs, new Epilogue(EpilogueKind.Forward, layer.Activation, layer.Alpha, layer.HasBias));
            }
            w.Line();
            w.Line("/// <summary>C = acc for one full tile of xᵀ·dZ.</summary>");
            EmitTile(w, spec, "WeightGradientTile", "", layer.Outputs, new Epilogue(EpilogueKind.Plain, ActivationKind.None, 0f, HasBias: false));
            if (layer.Flow.InputGradient is not null)
            {
                w.Line("public static bool HasInputGradientTile => true;");
                w.Line();
                w.Line(inputActivation == ActivationKind.None
                    ? "/// <summary>C = acc for one full tile of dZ·Wᵀ.</summary>"
                    : $"/// <summary>C = acc ⊙ {DerivativeMath(inputActivation, layer.InputAlpha)} for one full tile of dZ·Wᵀ, y = the previous layer's output.</summary>");
                EmitTile(w, spec, "InputGradientTile", ", ref float y", gradientColumns,
                    inputActivation == ActivationKind.None
                        ? new Epilogue(EpilogueKind.Plain, ActivationKind.None, 0f, HasBias: false)
                        : new Epilogue(EpilogueKind.Derivative, inputActivation, layer.InputAlpha, HasBias: false));
            }
            w.Line($"/// <summary>tile = acc for any tile of a product with the layer's {Literals.Int(layer.Outputs)} outputs as columns (forward, weight gradient).</summary>");
            EmitAccumulatorTile(w, spec, "OutputsAccumulatorTile", shape => AccumulatorKindOf(shape, layer.Outputs), layer.Outputs);
            if (layer.Flow.InputGradient is not null || convolution)
            {
                w.Line($"/// <summary>tile = acc for any tile of a product with the layer's {Literals.Int(gradientColumns)} {gradientColumnName} as columns ({(convolution ? "forward" + (layer.Flow.InputGradient is null ? "" : ", input gradient") : "input gradient")}).</summary>");
                EmitAccumulatorTile(w, spec, "InputsAccumulatorTile", shape => AccumulatorKindOf(shape, gradientColumns), gradientColumns);
            }
            bool outputsTail = Shapes.Any(shape => TailKindOf(shape, layer.Outputs) != TileKind.None);
            bool inputsTail = (layer.Flow.InputGradient is not null || convolution) && Shapes.Any(shape => TailKindOf(shape, gradientColumns) != TileKind.None);
            if (outputsTail || inputsTail)
            {
                w.Line("public static bool HasTailTiles => true;");
                w.Line();
            }
            if (outputsTail)
            {
                w.Line($"/// <summary>tile = acc for the last column block of a product with the layer's {Literals.Int(layer.Outputs)} outputs as columns, one vector wide: {TailComment(layer.Outputs)}.</summary>");
                EmitAccumulatorTile(w, spec, "OutputsTailTile", shape => TailKindOf(shape, layer.Outputs), layer.Outputs);
            }
            if (inputsTail)
            {
                w.Line($"/// <summary>tile = acc for the last column block of a product with the layer's {Literals.Int(gradientColumns)} {gradientColumnName} as columns, one vector wide: {TailComment(gradientColumns)}.</summary>");
                EmitAccumulatorTile(w, spec, "InputsTailTile", shape => TailKindOf(shape, gradientColumns), gradientColumns);
            }
        }
    }

    // The layer's tiles for a product with this many columns, per width, for the comment.
    private static string Coverage(int columns)
    {
        IEnumerable<string> widths = Shapes.Select(s => KindOf(s, columns) switch
        {
            TileKind.OneVector => $"{s.Rows}×{columns} tiles of one Vector{s.Bits} per row",
            TileKind.TwoVectors => $"{columns / (2 * s.Lanes)} tile{(columns / (2 * s.Lanes) == 1 ? "" : "s")} of {s.Rows}×{2 * s.Lanes}{(columns % (2 * s.Lanes) == 0 ? "" : $" + a {columns % (2 * s.Lanes)}-column tail on the {(TailKindOf(s, columns) == TileKind.None ? "accumulator" : "one-vector tail")} tile")} with Vector{s.Bits}",
            _ => $"one padded accumulator tile with Vector{s.Bits}",
        });
        return $"{Literals.Int(columns)} columns, " + string.Join("; ", widths);
    }

    /// <summary>Tiles are compiled optimized on their first call: at tier 0 every FMA of the loop is a call to the
    /// math helpers, and the pool's workers run such a tile until tiering catches up.</summary>
    private const string CompiledOptimized = $"[{TypeNames.MethodImpl}({TypeNames.MethodImplOptions}.AggressiveOptimization)]";

    private static void EmitTile(SourceWriter w, NetworkSpec spec, string name, string extraParameter, int columns, Epilogue epilogue)
    {
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line(CompiledOptimized);
        w.Line($"public static void {name}<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float c, nint ldc{extraParameter})");
        EmitWidths(w, shape => KindOf(shape, columns), "only where one is full", (shape, kind) =>
        {
            EmitLoop(w, spec, shape, kind, columns);
            List<Piece> pieces = kind == TileKind.TwoVectors
                ? [new Piece(0, shape.Bits, "c{0}0"), new Piece(shape.Lanes, shape.Bits, "c{0}1")]
                : PiecesOfOneVector(shape, columns);
            EmitStores(w, spec, shape, pieces, epilogue, "        ");
        });
    }

    /// <summary>A tile that stores its accumulators, whole vectors, into the engine's scratch (row stride = the tile's
    /// width, 2 vectors or 1); the engine's epilogue then stores the rows and columns that lie inside C.</summary>
    private static void EmitAccumulatorTile(SourceWriter w, NetworkSpec spec, string name, System.Func<TileShape, TileKind> kindOf, int columns)
    {
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line(CompiledOptimized);
        w.Line($"public static void {name}<TSteps>(ref float a, nint rs, nint cs, ref float b, nint ldb, TSteps steps, ref float tile)");
        bool tail = name.EndsWith("TailTile", System.StringComparison.Ordinal);
        EmitWidths(w, kindOf, tail ? "only on a last column block one vector wide" : "for any tile", (shape, kind) =>
        {
            // A tail tile computes the product's last columns: name those in the loop's comment.
            EmitLoop(w, spec, shape, kind, tail ? columns % (2 * shape.Lanes) : columns);
            int vectors = kind == TileKind.TwoVectors ? 2 : 1;
            w.Line($"        // Store acc, whole vectors, {shape.Rows} rows of {vectors * shape.Lanes} floats.");
            for (int r = 0; r < shape.Rows; r++)
            {
                w.Line("        " + string.Join(" ", Enumerable.Range(0, vectors).Select(v =>
                    $"{MathName(spec)}.Store(ref tile, {Literals.Int((r * vectors + v) * shape.Lanes)}, c{r}{v});")));
            }
        });
    }

    // The method's body: one branch per width with a tile of that kind, and Unreachable for the others.
    private static void EmitWidths(SourceWriter w, System.Func<TileShape, TileKind> kindOf, string calledWhere, System.Action<TileShape, TileKind> emitBody)
    {
        w.Line($"    where TSteps : struct, {TypeNames.IReductionSteps}");
        w.Line("{");
        w.Line("    // References into A and B are moved only to a k that is summed, never past the last one: the GC tracks");
        w.Line("    // references (not pointers), and one past the end of an array may already lie in the next object.");
        w.Line("    int count = steps.Count;");
        w.Line("    nint rs2 = rs + rs, rs3 = rs2 + rs, rs4 = rs2 + rs2;");
        bool first = true;
        foreach (TileShape shape in Shapes)
        {
            TileKind kind = kindOf(shape);
            if (kind == TileKind.None)
            {
                continue;
            }
            w.Line($"    {(first ? "if" : "else if")} ({TypeNames.Kernels}.VectorWidth == {shape.Bits})");
            w.Line("    {");
            emitBody(shape, kind);
            w.Line("    }");
            first = false;
        }
        w.Line("    else");
        w.Line("    {");
        w.Line($"        // The engine calls a tile only on the Vector512 and Vector256 paths, and {calledWhere}.");
        w.Line($"        throw new {TypeNames.UnreachableException}();");
        w.Line("    }");
        w.Line("}");
        w.Line();
    }

    // acc = Σ fma(a_k, b_k, acc) over the steps' k, in registers.
    private static void EmitLoop(SourceWriter w, NetworkSpec spec, TileShape shape, TileKind kind, int columns)
    {
        string m = MathName(spec);
        string vector = $"{TypeNames.Intrinsics}.Vector{shape.Bits}<float>";
        string indent = "        ";
        int vectors = kind == TileKind.TwoVectors ? 2 : 1;
        int half = shape.Rows / 2;
        w.Line(vectors == 2
            ? $"{indent}// {shape.Rows}×{2 * shape.Lanes}: {2 * shape.Rows} Vector{shape.Bits} accumulators, c[row][vector]."
            : $"{indent}// {shape.Rows}×{columns}: {shape.Rows} Vector{shape.Bits} accumulators, one per row{(columns == shape.Lanes ? "" : $"; B's panel is padded to {shape.Lanes} columns")}.");
        w.Line($"{indent}{vector} {string.Join(", ", Accumulators(shape, vectors).Select(a => a + " = default"))};");
        w.Line($"{indent}if (count > 0)");
        w.Line($"{indent}{{");
        w.Line($"{indent}    ref float ak = ref {TypeNames.Unsafe}.Add(ref a, steps.First * cs);");
        w.Line($"{indent}    ref float bk = ref {TypeNames.Unsafe}.Add(ref b, steps.First * ldb);");
        w.Line($"{indent}    for (int n = 0; ; )");
        w.Line($"{indent}    {{");
        w.Line($"{indent}        // Rows {half}–{shape.Rows - 1} from a second reference: strides of 5, 6 and 7 rows have no address mode.");
        w.Line($"{indent}        ref float ah = ref {TypeNames.Unsafe}.Add(ref ak, rs{half});");
        w.Line(vectors == 2
            ? $"{indent}        {vector} b0 = {m}.Load{shape.Bits}(ref bk, 0), b1 = {m}.Load{shape.Bits}(ref bk, {shape.Lanes});"
            : $"{indent}        {vector} b0 = {m}.Load{shape.Bits}(ref bk, 0);");
        for (int r = 0; r < shape.Rows; r++)
        {
            string row = r < half ? "ak" : "ah";
            int within = r % half;
            string stride = within == 0 ? "0" : within == 1 ? "rs" : $"rs{within}";
            w.Line($"{indent}        {(r == 0 ? vector + " " : "")}av = {m}.Broadcast{shape.Bits}(ref {row}, {stride});");
            w.Line(vectors == 2
                ? $"{indent}        c{r}0 = {m}.MultiplyAdd(av, b0, c{r}0); c{r}1 = {m}.MultiplyAdd(av, b1, c{r}1);"
                : $"{indent}        c{r}0 = {m}.MultiplyAdd(av, b0, c{r}0);");
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
    }

    /// <summary>
    /// The stores of a one-vector row of <paramref name="columns"/> floats, split as the engine's Epilogue splits a short
    /// block: the whole vector when it is full, else a Vector256 and then a Vector128 while they fit, then single lanes.
    /// </summary>
    private static List<Piece> PiecesOfOneVector(TileShape shape, int columns)
    {
        if (columns == shape.Lanes)
        {
            return [new Piece(0, shape.Bits, "c{0}0")];
        }
        var pieces = new List<Piece>();
        int o = 0;
        if (shape.Bits == 512 && columns >= 8)
        {
            pieces.Add(new Piece(0, 256, "{1}.Lanes0To7(c{0}0)"));
            o = 8;
        }
        if (columns - o >= 4)
        {
            pieces.Add(new Piece(o, 128, o == 0 ? "{1}.Lanes0To3(c{0}0)" : "{1}.Lanes8To11(c{0}0)"));
            o += 4;
        }
        for (; o < columns; o++)
        {
            pieces.Add(new Piece(o, 32, $"{{1}}.Lane(c{{0}}0, {Literals.Int(o)})"));
        }
        return pieces;
    }

    private static void EmitStores(SourceWriter w, NetworkSpec spec, TileShape shape, List<Piece> pieces, Epilogue epilogue, string indent)
    {
        string m = MathName(spec);
        bool scalarTail = pieces.Any(p => p.Bits == 32);
        w.Line($"{indent}// {EpilogueComment(epilogue)}, row by row{(pieces.Count > 2 || pieces[0].Bits != shape.Bits ? $", in the pieces the engine's epilogue uses for {Literals.Int(pieces.Sum(p => p.Bits / 32))} columns" : "")}.");
        if (scalarTail && epilogue.Kind != EpilogueKind.Derivative && !epilogue.HasBias)
        {
            w.Line($"{indent}// Single lanes add 0 as the engine's scalar tail does (−0 becomes +0).");
        }
        if (epilogue.Kind == EpilogueKind.Forward && epilogue.HasBias)
        {
            for (int p = 0; p < pieces.Count; p++)
            {
                Piece piece = pieces[p];
                w.Line(piece.Bits == 32
                    ? $"{indent}float bias{p} = {m}.Read(ref bias, {Literals.Int(piece.Offset)});"
                    : $"{indent}{TypeNames.Intrinsics}.Vector{piece.Bits}<float> bias{p} = {m}.Load{piece.Bits}(ref bias, {Literals.Int(piece.Offset)});");
            }
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
            if (epilogue.Kind == EpilogueKind.RowBias && epilogue.HasBias)
            {
                w.Line($"{indent}float rowBias{r} = {m}.Read(ref bias, {Literals.Int(r)});");
            }
            w.Line(indent + string.Join(" ", pieces.Select((piece, p) =>
                $"{m}.Store(ref c, {Literals.Int(piece.Offset)}, {Value(m, epilogue, piece, p, r, string.Format(CultureInfo.InvariantCulture, piece.Accumulator, r, m))});")));
        }
    }

    // One stored piece: the same lane-wise ops, in the same order, as the engine's ITileStore and Epilogue.
    private static string Value(string m, Epilogue epilogue, Piece piece, int index, int row, string acc)
    {
        switch (epilogue.Kind)
        {
            case EpilogueKind.Forward or EpilogueKind.RowBias:
                string bias = epilogue.Kind == EpilogueKind.Forward ? $"bias{index}"
                    : piece.Bits == 32 ? $"rowBias{row}" : $"{TypeNames.Intrinsics}.Vector{piece.Bits}.Create(rowBias{row})";
                string z = epilogue.HasBias ? $"{acc} + {bias}" : piece.Bits == 32 ? $"{acc} + 0f" : acc;
                return epilogue.Activation switch
                {
                    ActivationKind.ReLU => $"{m}.Relu({z})",
                    ActivationKind.LeakyReLU => $"{m}.LeakyRelu({z}, {Literals.Float(epilogue.Alpha)})",
                    _ => z,
                };
            case EpilogueKind.Derivative:
                string y = piece.Bits == 32 ? $"{m}.Read(ref y, {Literals.Int(piece.Offset)})" : $"{m}.Load{piece.Bits}(ref y, {Literals.Int(piece.Offset)})";
                string derivative = epilogue.Activation switch
                {
                    ActivationKind.ReLU => $"{m}.ReluDerivative({y})",
                    ActivationKind.LeakyReLU => $"{m}.LeakyReluDerivative({y}, {Literals.Float(epilogue.Alpha)})",
                    ActivationKind.Sigmoid => $"{m}.SigmoidDerivative({y})",
                    _ => $"{m}.TanhDerivative({y})",
                };
                return $"{acc} * {derivative}";
            default:
                return piece.Bits == 32 ? $"{acc} + 0f" : acc;
        }
    }

    private static IEnumerable<string> Accumulators(TileShape shape, int vectors)
    {
        for (int r = 0; r < shape.Rows; r++)
        {
            for (int v = 0; v < vectors; v++)
            {
                yield return $"c{r}{v}";
            }
        }
    }

    private static string EpilogueComment(Epilogue epilogue) => epilogue.Kind switch
    {
        EpilogueKind.Forward or EpilogueKind.RowBias => "Store " + (epilogue.Activation switch
        {
            ActivationKind.ReLU => "max(0, z)",
            ActivationKind.LeakyReLU => $"z > 0 ? z : {Literals.Float(epilogue.Alpha)}·z",
            _ => "z",
        }) + (epilogue.HasBias ? (epilogue.Kind == EpilogueKind.RowBias ? ", z = acc + the row's bias" : ", z = acc + bias") : ", z = acc"),
        EpilogueKind.Derivative => $"Store acc ⊙ {DerivativeMath(epilogue.Activation, epilogue.Alpha)}",
        _ => "Store acc",
    };

    private static string ForwardMath(DenseSpec layer)
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
    /// the FMA (Vector256's behind <c>Fma.IsSupported</c>, as the engine's), the activations and their derivatives as
    /// the engine computes them (vector and scalar), and the pieces of a one-vector row.</summary>
    public static void EmitMath(SourceWriter w, NetworkSpec spec)
    {
        string inline = $"[{TypeNames.MethodImpl}({TypeNames.MethodImplOptions}.AggressiveInlining)]";
        string v512 = $"{TypeNames.Intrinsics}.Vector512<float>", v256 = $"{TypeNames.Intrinsics}.Vector256<float>", v128 = $"{TypeNames.Intrinsics}.Vector128<float>";
        w.Line($"/// <summary>Lane-wise helpers of {spec.ClassName}'s register tiles, exactly the GenNet engine's operations.</summary>");
        using (w.Block($"file static class {MathName(spec)}"))
        {
            foreach (int bits in new[] { 512, 256, 128 })
            {
                string v = $"{TypeNames.Intrinsics}.Vector{bits}<float>";
                string type = $"{TypeNames.Intrinsics}.Vector{bits}";
                w.Line($"{inline} public static {v} Load{bits}(ref float p, nint i) => {type}.LoadUnsafe(ref {TypeNames.Unsafe}.Add(ref p, i));");
                w.Line($"{inline} public static void Store(ref float p, nint i, {v} value) => {type}.StoreUnsafe(value, ref {TypeNames.Unsafe}.Add(ref p, i));");
                if (bits != 128)
                {
                    w.Line($"{inline} public static {v} Broadcast{bits}(ref float p, nint i) => {type}.Create({TypeNames.Unsafe}.Add(ref p, i));");
                    w.Line(bits == 512
                        ? $"{inline} public static {v} MultiplyAdd({v} a, {v} b, {v} c) => {TypeNames.X86}.Avx512F.FusedMultiplyAdd(a, b, c);"
                        : $"{inline} public static {v} MultiplyAdd({v} a, {v} b, {v} c) => {TypeNames.X86}.Fma.IsSupported ? {TypeNames.X86}.Fma.MultiplyAdd(a, b, c) : a * b + c;");
                    w.Line($"{inline} public static float Lane({v} v, int i) => {type}.GetElement(v, i);");
                }
                w.Line($"{inline} public static {v} Relu({v} z) => z & {type}.GreaterThan(z, {v}.Zero);");
                w.Line($"{inline} public static {v} LeakyRelu({v} z, float alpha) => {type}.ConditionalSelect({type}.GreaterThan(z, {v}.Zero), z, {type}.Create(alpha) * z);");
                w.Line($"{inline} public static {v} ReluDerivative({v} y) => {type}.GreaterThan(y, {v}.Zero) & {v}.One;");
                w.Line($"{inline} public static {v} LeakyReluDerivative({v} y, float alpha) => {type}.ConditionalSelect({type}.GreaterThan(y, {v}.Zero), {v}.One, {type}.Create(alpha));");
                w.Line($"{inline} public static {v} SigmoidDerivative({v} y) => y * ({v}.One - y);");
                w.Line($"{inline} public static {v} TanhDerivative({v} y) => {v}.One - y * y;");
            }
            w.Line($"{inline} public static {v256} Lanes0To7({v512} v) => {TypeNames.Intrinsics}.Vector512.GetLower(v);");
            w.Line($"{inline} public static {v128} Lanes0To3({v512} v) => {TypeNames.Intrinsics}.Vector256.GetLower({TypeNames.Intrinsics}.Vector512.GetLower(v));");
            w.Line($"{inline} public static {v128} Lanes8To11({v512} v) => {TypeNames.Intrinsics}.Vector256.GetLower({TypeNames.Intrinsics}.Vector512.GetUpper(v));");
            w.Line($"{inline} public static {v128} Lanes0To3({v256} v) => {TypeNames.Intrinsics}.Vector256.GetLower(v);");
            w.Line($"{inline} public static float Read(ref float p, nint i) => {TypeNames.Unsafe}.Add(ref p, i);");
            w.Line($"{inline} public static void Store(ref float p, nint i, float value) => {TypeNames.Unsafe}.Add(ref p, i) = value;");
            w.Line($"{inline} public static float Relu(float z) => z > 0f ? z : 0f;");
            w.Line($"{inline} public static float LeakyRelu(float z, float alpha) => z > 0f ? z : alpha * z;");
            w.Line($"{inline} public static float ReluDerivative(float y) => y > 0f ? 1f : 0f;");
            w.Line($"{inline} public static float LeakyReluDerivative(float y, float alpha) => y > 0f ? 1f : alpha;");
            w.Line($"{inline} public static float SigmoidDerivative(float y) => y * (1f - y);");
            w.Line($"{inline} public static float TanhDerivative(float y) => 1f - y * y;");
        }
    }

    private readonly record struct TileShape(int Bits, int Rows, int Lanes);

    private enum TileKind
    {
        None,
        OneVector,
        TwoVectors,
    }

    /// <summary>Columns Offset… of a row stored as one Vector<paramref name="Bits"/> (32: a single float), taken from
    /// <paramref name="Accumulator"/> (a format: {0} = the row, {1} = the helper class).</summary>
    private readonly record struct Piece(int Offset, int Bits, string Accumulator);

    private enum EpilogueKind
    {
        Forward,
        /// <summary>A convolution's forward product with the filters as rows: act(acc + the row's bias).</summary>
        RowBias,
        Plain,
        Derivative,
    }

    private readonly record struct Epilogue(EpilogueKind Kind, ActivationKind Activation, float Alpha, bool HasBias);
}
