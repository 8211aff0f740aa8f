using System;
using System.Collections.Immutable;
using System.Linq;
using GenNet.Generator.Model;

namespace GenNet.Generator.Emit;

/// <summary>
/// The code of one loss head: the interface the class implements, how outputs are presented, and the training and
/// evaluation API it implies. Found by its spec's type, as layer emitters are.
/// </summary>
internal abstract class LossEmitter
{
    private static readonly ImmutableDictionary<Type, LossEmitter> s_bySpec = typeof(LossEmitter).Assembly.GetTypes()
        .Where(static t => t.IsSubclassOf(typeof(LossEmitter)) && !t.IsAbstract)
        .Select(static t => (LossEmitter)Activator.CreateInstance(t, nonPublic: true))
        .ToImmutableDictionary(static e => e.SpecType);

    /// <summary>The emitter of <paramref name="loss"/>'s kind.</summary>
    public static LossEmitter For(LossSpec loss) => s_bySpec[loss.GetType()];

    /// <summary>The spec record this emitter writes.</summary>
    protected abstract Type SpecType { get; }

    /// <summary>The runtime interface the network implements, e.g. IClassifier.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>What an output row holds, for the OutputSize doc comment (empty, or " (…)").</summary>
    public virtual string OutputMeaning => "";

    /// <summary>Writes <c>rows</c> output rows into <paramref name="destination"/> from the last layer's output.</summary>
    public abstract void EmitOutput(SourceWriter w, NetworkSpec spec, string destination);

    /// <summary>ComputeGradients, TrainStep and the evaluation members of this loss head.</summary>
    public abstract void EmitTrainingApi(SourceWriter w, NetworkSpec spec);

    /// <summary>
    /// The public ComputeGradients of every loss head: the use guard around the head's own RunGradients, which
    /// <see cref="EmitTrainingApi"/> writes.
    /// </summary>
    protected static void EmitComputeGradients(SourceWriter w, string lossName, string returned, string targetType, string targetName)
    {
        w.Line("/// <summary>");
        w.Line($"/// Forward, {lossName} and backward for <paramref name=\"count\"/> samples (at most MaxBatchSize):");
        w.Line($"/// overwrites <see cref=\"Gradients\"/> and returns the {returned}.");
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float ComputeGradients({TypeNames.ReadOnlySpan} inputs, {targetType} {targetName}, int count)"))
        {
            EmitTrainingCheck(w);
            using (NetworkEmitter.Guarded(w))
            {
                w.Line($"return RunGradients(inputs, {targetName}, count);");
            }
        }
        w.Line();
    }

    private static void EmitTrainingCheck(SourceWriter w)
    {
        using (w.Block("if (!_training)"))
        {
            w.Line("throw new global::System.InvalidOperationException(\"This network was built by ForInference, for prediction only: construct it with new(maxBatchSize, seed, threads) to train it.\");");
        }
    }

    /// <summary>
    /// TrainStep is the same for every loss head: gradients of the batch, then one optimizer step, which is skipped
    /// when the loss is not finite, so a diverged step leaves the parameters as they were.
    /// </summary>
    protected static void EmitTrainStep(SourceWriter w, string targetType, string targetName)
    {
        w.Line("/// <summary>ComputeGradients followed by one optimizer step; returns the mean loss. A NaN or infinite loss skips the");
        w.Line("/// step (the parameters stay as they were) and is returned as it is.</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        using (w.Block($"public float TrainStep({TypeNames.ReadOnlySpan} inputs, {targetType} {targetName}, int count, {TypeNames.Optimizer} optimizer)"))
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
            EmitTrainingCheck(w);
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
