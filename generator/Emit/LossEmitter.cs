using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>The loss head: how outputs are presented, and the training and evaluation API it implies.</summary>
internal static class LossEmitter
{
    public static string InterfaceName(NetworkSpec spec) =>
        spec.Loss == LossKind.SoftmaxCrossEntropy ? TypeNames.IClassifier : TypeNames.IRegressor;

    /// <summary>Writes <c>rows</c> output rows into <paramref name="destination"/> from the last layer's activations.</summary>
    public static void EmitOutput(SourceWriter w, NetworkSpec spec, string destination)
    {
        string output = spec.LastLayer.Flow.Output, gradient = spec.LastLayer.Flow.OutputGradient;
        if (spec.Loss == LossKind.SoftmaxCrossEntropy)
        {
            w.Line($"{TypeNames.Kernels}.Softmax({destination}, {output}(rows), rows, OutputSize);");
        }
        else
        {
            w.Line($"{output}(rows).CopyTo({destination});");
        }
    }

    public static void EmitTrainingApi(SourceWriter w, NetworkSpec spec)
    {
        if (spec.Loss == LossKind.SoftmaxCrossEntropy)
        {
            EmitClassifierApi(w, spec);
        }
        else
        {
            EmitRegressorApi(w, spec);
        }
    }

    private static void EmitClassifierApi(SourceWriter w, NetworkSpec spec)
    {
        string output = spec.LastLayer.Flow.Output, gradient = spec.LastLayer.Flow.OutputGradient;
        w.Line("/// <summary>");
        w.Line("/// Forward, mean softmax cross-entropy and backward for <paramref name=\"count\"/> samples (at most MaxBatchSize):");
        w.Line("/// overwrites <see cref=\"Gradients\"/> and returns the mean loss.");
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float ComputeGradients({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlyLabels} labels, int count)"))
        {
            using (NetworkEmitter.Guarded(w))
            {
                w.Line("return RunGradients(inputs, labels, count);");
            }
        }
        w.Line();
        using (w.Block($"private float RunGradients({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlyLabels} labels, int count)"))
        {
            w.Line($"{TypeNames.Guard}.Count(count, _maxBatchSize);");
            w.Line($"{TypeNames.Guard}.Rows(inputs.Length, count, InputSize);");
            w.Line($"{TypeNames.Guard}.Rows(labels.Length, count, 1);");
            w.Line("labels = labels.Slice(0, count);");
            w.Line($"{TypeNames.Guard}.Labels(labels, OutputSize);");
            w.Line("int rows = count;");
            w.Line($"{TypeNames.ReadOnlySpan} x = inputs.Slice(0, rows * InputSize);");
            w.Line($"{TypeNames.Guard}.Finite(x, InputSize, 0, nameof(inputs));");
            w.Line(NetworkEmitter.ForwardCall(spec, "x", training: true));
            w.Line($"// Loss head: softmax fused with cross-entropy. L = −(1/rows) Σ log softmax({output.ToLowerInvariant()})[label]; {gradient} = (softmax({output.ToLowerInvariant()}) − onehot(label)) / rows");
            w.Line($"float loss = {TypeNames.Kernels}.SoftmaxCrossEntropy({gradient}(rows), {output}(rows), labels, rows, OutputSize, 1f / rows) / rows;");
            w.Line("RunBackward(x, rows);");
            w.Line("return loss;");
        }
        w.Line();
        EmitTrainStep(w, TypeNames.ReadOnlyLabels, "labels");
        w.Line();
        w.Line("/// <summary>Number of the <paramref name=\"count\"/> samples (any number) whose most probable class is the label.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line($"public int Evaluate({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlyLabels} labels, int count) => Evaluate(inputs, labels, count, out _);");
        w.Line();
        w.Line("/// <summary>Number of correctly classified samples and, in <paramref name=\"meanLoss\"/>, the mean cross-entropy.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public int Evaluate({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlyLabels} labels, int count, out float meanLoss)"))
        {
            w.Line($"{TypeNames.Guard}.PositiveCount(count);");
            w.Line($"{TypeNames.Guard}.Rows(inputs.Length, count, InputSize);");
            w.Line($"{TypeNames.Guard}.Rows(labels.Length, count, 1);");
            w.Line($"{TypeNames.Guard}.Labels(labels.Slice(0, count), OutputSize, nameof(labels));");
            using (NetworkEmitter.Guarded(w))
            {
                w.Line("int correct = 0;");
                w.Line("double totalLoss = 0;");
                NetworkEmitter.EmitChunks(w, spec, training: false);
                w.Line($"{TypeNames.ReadOnlyLabels} batchLabels = labels.Slice(start, rows);");
                w.Line($"correct += {TypeNames.Kernels}.CountCorrect({output}(rows), batchLabels, rows, OutputSize);");
                w.Line($"totalLoss += {TypeNames.Kernels}.CrossEntropyLoss({output}(rows), batchLabels, rows, OutputSize);");
                w.EndBlock();
                w.Line("meanLoss = (float)(totalLoss / count);");
                w.Line("return correct;");
            }
        }
    }

    private static void EmitRegressorApi(SourceWriter w, NetworkSpec spec)
    {
        string output = spec.LastLayer.Flow.Output, gradient = spec.LastLayer.Flow.OutputGradient;
        w.Line("/// <summary>");
        w.Line("/// Forward, mean squared error and backward for <paramref name=\"count\"/> samples (at most MaxBatchSize):");
        w.Line("/// overwrites <see cref=\"Gradients\"/> and returns the loss.");
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float ComputeGradients({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlySpan} targets, int count)"))
        {
            using (NetworkEmitter.Guarded(w))
            {
                w.Line("return RunGradients(inputs, targets, count);");
            }
        }
        w.Line();
        using (w.Block($"private float RunGradients({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlySpan} targets, int count)"))
        {
            w.Line($"{TypeNames.Guard}.Count(count, _maxBatchSize);");
            w.Line($"{TypeNames.Guard}.Rows(inputs.Length, count, InputSize);");
            w.Line($"{TypeNames.Guard}.Rows(targets.Length, count, OutputSize);");
            w.Line("int rows = count;");
            w.Line($"{TypeNames.ReadOnlySpan} x = inputs.Slice(0, rows * InputSize);");
            w.Line($"{TypeNames.ReadOnlySpan} t = targets.Slice(0, rows * OutputSize);");
            w.Line($"{TypeNames.Guard}.Finite(x, InputSize, 0, nameof(inputs));");
            w.Line($"{TypeNames.Guard}.Finite(t, OutputSize, 0, nameof(targets));");
            w.Line(NetworkEmitter.ForwardCall(spec, "x", training: true));
            w.Line($"// Loss head: L = (1/(rows·O)) Σ ({output.ToLowerInvariant()} − t)²; {gradient} = 2({output.ToLowerInvariant()} − t) / (rows·O)");
            w.Line("float scale = 1f / (rows * OutputSize);");
            w.Line($"float loss = {TypeNames.Kernels}.SquaredError({gradient}(rows), {output}(rows), t, scale) * scale;");
            w.Line("RunBackward(x, rows);");
            w.Line("return loss;");
        }
        w.Line();
        EmitTrainStep(w, TypeNames.ReadOnlySpan, "targets");
        w.Line();
        w.Line("/// <summary>Mean squared error over <paramref name=\"count\"/> samples (any number), without gradients.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float Loss({TypeNames.ReadOnlySpan} inputs, {TypeNames.ReadOnlySpan} targets, int count)"))
        {
            w.Line($"{TypeNames.Guard}.PositiveCount(count);");
            w.Line($"{TypeNames.Guard}.Rows(inputs.Length, count, InputSize);");
            w.Line($"{TypeNames.Guard}.Rows(targets.Length, count, OutputSize);");
            using (NetworkEmitter.Guarded(w))
            {
                w.Line("double total = 0;");
                NetworkEmitter.EmitChunks(w, spec, training: false);
                w.Line($"{TypeNames.ReadOnlySpan} chunkTargets = targets.Slice(start * OutputSize, rows * OutputSize);");
                w.Line($"{TypeNames.Guard}.Finite(chunkTargets, OutputSize, start, nameof(targets));");
                w.Line($"total += {TypeNames.Kernels}.SquaredError(default, {output}(rows), chunkTargets, 0f);");
                w.EndBlock();
                w.Line("return (float)(total / ((double)count * OutputSize));");
            }
        }
    }

    /// <summary>
    /// TrainStep is the same for every loss head: gradients of the batch, then one optimizer step, which is skipped
    /// when the loss is not finite, so a diverged step leaves the parameters as they were.
    /// </summary>
    private static void EmitTrainStep(SourceWriter w, string targetType, string targetName)
    {
        w.Line("/// <summary>ComputeGradients followed by one optimizer step; returns the mean loss. A NaN or infinite loss skips the");
        w.Line("/// step (the parameters stay as they were) and is returned as it is.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float TrainStep({TypeNames.ReadOnlySpan} inputs, {targetType} {targetName}, int count, {TypeNames.Optimizer} optimizer)"))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
            using (NetworkEmitter.Guarded(w))
            {
                w.Line($"float loss = RunGradients(inputs, {targetName}, count);");
                using (w.Block("if (float.IsFinite(loss))"))
                {
                    w.Line("optimizer.Step(_parameters.Span, _gradients.Span, _workers);");
                }
                w.Line("return loss;");
            }
        }
    }
}
