using System;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[MeanSquaredError]: the last layer's output as it is; ComputeGradients, TrainStep and Loss against float targets.</summary>
internal sealed class MeanSquaredErrorEmitter : LossEmitter
{
    protected override Type SpecType => typeof(MeanSquaredErrorSpec);

    public override string InterfaceName => TypeNames.IRegressor;

    public override void EmitOutput(SourceWriter w, NetworkSpec spec, string destination) =>
        w.Line($"{spec.LastLayer.Flow.Output}(rows).CopyTo({destination});");

    public override void EmitTrainingApi(SourceWriter w, NetworkSpec spec)
    {
        string output = spec.LastLayer.Flow.Output, gradient = spec.LastLayer.Flow.OutputGradient;
        EmitComputeGradients(w, "mean squared error", "loss", TypeNames.ReadOnlySpan, "targets");
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
}
