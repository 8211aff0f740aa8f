namespace GenNet.Generator.Model;

/// <summary>
/// Where a layer reads and writes, as accessor names of the generated class ("x" is the network's input): the planner
/// links each layer to its neighbours, so an emitter never looks at another layer.
/// </summary>
/// <param name="Input">The value the layer reads while training (after dropout, say).</param>
/// <param name="InferenceInput">The value it reads outside training; equal to <paramref name="Input"/> unless a layer
/// before it acts only while training.</param>
/// <param name="InputGradient">Where it writes the gradient with respect to its input; null for the first layer (x needs none).</param>
/// <param name="Output">Its output while training.</param>
/// <param name="InferenceOutput">Its output outside training (a layer that acts only while training passes its input on).</param>
/// <param name="OutputGradient">Where the layer after it (or the loss head) writes the gradient with respect to its output.</param>
internal readonly record struct LayerFlow(
    string Input,
    string InferenceInput,
    string? InputGradient,
    string Output,
    string InferenceOutput,
    string OutputGradient)
{
    public const string NetworkInput = "x";
}
