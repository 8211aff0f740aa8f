using System;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>[SoftmaxCrossEntropy]: probabilities out; ComputeGradients, TrainStep and Evaluate against integer labels.</summary>
internal sealed class SoftmaxCrossEntropyEmitter : LossEmitter
{
    protected override Type SpecType => typeof(SoftmaxCrossEntropySpec);

    public override string InterfaceName => TypeNames.IClassifier;

    public override string OutputMeaning => " (class probabilities)";

    public override void EmitOutput(SourceWriter w, NetworkSpec spec, string destination) =>
        w.Line($"{TypeNames.Kernels}.Softmax({destination}, {spec.LastLayer.Flow.Output}(rows), rows, OutputSize);");

    public override void EmitTrainingApi(SourceWriter w, NetworkSpec spec)
    {
        string output = spec.LastLayer.Flow.Output, gradient = spec.LastLayer.Flow.OutputGradient;
        EmitComputeGradients(w, "mean softmax cross-entropy", "mean loss", TypeNames.ReadOnlyLabels, "labels");
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
}
