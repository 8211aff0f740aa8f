using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Diagnostics;

/// <summary>Every diagnostic GenNet reports. IDs are stable; AnalyzerReleases.*.md tracks them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GenNet";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>GNN0001: "Network class '{0}' must be declared partial so that GenNet can generate its body".</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error("GNN0001",
        "Network class must be partial",
        "Network class '{0}' must be declared partial so that GenNet can generate its body");

    /// <summary>GNN0002: "Network class '{0}' has layer attributes but no [Input(size)]; add [Input] as the first layer attribute".</summary>
    public static readonly DiagnosticDescriptor MissingInput = Error("GNN0002",
        "Network has no [Input]",
        "Network class '{0}' has layer attributes but no [Input(size)]; add [Input] as the first layer attribute");

    /// <summary>GNN0003: "[Input] must be the first layer attribute of '{0}'; move it above the other layers".</summary>
    public static readonly DiagnosticDescriptor InputNotFirst = Error("GNN0003",
        "[Input] must come first",
        "[Input] must be the first layer attribute of '{0}'; move it above the other layers");

    /// <summary>GNN0004: "Network class '{0}' has more than one [Input]; a network has exactly one input layer, remove this one".</summary>
    public static readonly DiagnosticDescriptor DuplicateInput = Error("GNN0004",
        "More than one [Input]",
        "Network class '{0}' has more than one [Input]; a network has exactly one input layer, remove this one");

    /// <summary>GNN0005: "{0} must be at least 1, but is {1}".</summary>
    public static readonly DiagnosticDescriptor NonPositiveSize = Error("GNN0005",
        "Layer size must be positive",
        "{0} must be at least 1, but is {1}");

    /// <summary>GNN0006: "Network class '{0}' has no loss head; end the layer list with [SoftmaxCrossEntropy] or [MeanSquaredError]".</summary>
    public static readonly DiagnosticDescriptor MissingLoss = Error("GNN0006",
        "Network has no loss head",
        "Network class '{0}' has no loss head; end the layer list with [SoftmaxCrossEntropy] or [MeanSquaredError]");

    /// <summary>GNN0007: "The loss head [{0}] must be the last layer attribute; move the layers after it above it".</summary>
    public static readonly DiagnosticDescriptor LossNotLast = Error("GNN0007",
        "Loss head must come last",
        "The loss head [{0}] must be the last layer attribute; move the layers after it above it");

    /// <summary>GNN0008: "Network class '{0}' has more than one loss head; keep exactly one, last".</summary>
    public static readonly DiagnosticDescriptor DuplicateLoss = Error("GNN0008",
        "More than one loss head",
        "Network class '{0}' has more than one loss head; keep exactly one, last");

    /// <summary>GNN0009: "[SoftmaxCrossEntropy] needs at least 2 outputs, but the last layer has {0}; use [MeanSquaredError] or widen the last [Dense]".</summary>
    public static readonly DiagnosticDescriptor SoftmaxTooFewOutputs = Error("GNN0009",
        "Softmax needs at least two classes",
        "[SoftmaxCrossEntropy] needs at least 2 outputs, but the last layer has {0}; use [MeanSquaredError] or widen the last [Dense]");

    /// <summary>GNN0010: "The layer attributes of '{0}' are split over several partial declarations; put them all on one declaration, since their order defines the network".</summary>
    public static readonly DiagnosticDescriptor LayersSplit = Error("GNN0010",
        "Layer attributes split over partial declarations",
        "The layer attributes of '{0}' are split over several partial declarations; put them all on one declaration, since their order defines the network");

    /// <summary>GNN0011: "Network class '{0}' cannot be {1}; declare it as a non-generic, non-static, top-level partial class".</summary>
    public static readonly DiagnosticDescriptor UnsupportedClass = Error("GNN0011",
        "Unsupported network class",
        "Network class '{0}' cannot be {1}; declare it as a non-generic, non-static, top-level partial class");

    /// <summary>GNN0012: "Invalid activation setting: {0}".</summary>
    public static readonly DiagnosticDescriptor InvalidActivation = Error("GNN0012",
        "Invalid activation",
        "Invalid activation setting: {0}");

    /// <summary>GNN0013: "Network class '{0}' has no layer with parameters; add at least one (such as [Dense]) between [Input] and the loss head".</summary>
    public static readonly DiagnosticDescriptor NoTrainableLayer = Error("GNN0013",
        "Network has no layer with parameters",
        "Network class '{0}' has no layer with parameters; add at least one (such as [Dense]) between [Input] and the loss head");

    /// <summary>GNN0015: "[Dropout] must sit between two layers: it drops values of the layer above it, and a layer below must take them".</summary>
    public static readonly DiagnosticDescriptor DropoutMisplaced = Error("GNN0015",
        "Dropout must sit between two layers",
        "[Dropout] must sit between two layers: it drops values of the layer above it, and a layer below must take them");

    /// <summary>GNN0016: "Dropout rate must be greater than 0 and less than 1, but is {0}".</summary>
    public static readonly DiagnosticDescriptor InvalidDropoutRate = Error("GNN0016",
        "Invalid dropout rate",
        "Dropout rate must be greater than 0 and less than 1, but is {0}");

    /// <summary>GNN0014: "Network class '{0}' is too large: {1} exceeds the 2,147,483,575 floats one arena can hold".</summary>
    public static readonly DiagnosticDescriptor TooLarge = Error("GNN0014",
        "Network too large",
        "Network class '{0}' is too large: {1} exceeds the 2,147,483,575 floats one arena can hold");

    /// <summary>GNN0017: "[{0}] layer {1} needs an image input (channels × height × width), but its input is a flat vector of {2}; declare [Input(channels, height, width)] and put spatial layers before [Dense] ones".</summary>
    public static readonly DiagnosticDescriptor ImageInputNeeded = Error("GNN0017",
        "Spatial layer on a flat input",
        "[{0}] layer {1} needs an image input (channels × height × width), but its input is a flat vector of {2}; declare [Input(channels, height, width)] and put spatial layers before [Dense] ones");

    /// <summary>GNN0018: "[{0}] layer {1} does not fit its {2} input: {3}".</summary>
    public static readonly DiagnosticDescriptor LayerDoesNotFit = Error("GNN0018",
        "Layer does not fit its input",
        "[{0}] layer {1} does not fit its {2} input: {3}");

    /// <summary>GNN0019: "Padding {0} is not a member of GenNet.Padding; use Padding.Valid or Padding.Same".</summary>
    public static readonly DiagnosticDescriptor InvalidPadding = Error("GNN0019",
        "Invalid padding",
        "Padding {0} is not a member of GenNet.Padding; use Padding.Valid or Padding.Same");
}
