namespace GenNet.Generator.Model;

/// <summary>Mirror of <c>GenNet.Activation</c>: the integer values must stay equal to src/GenNet/Attributes/Activation.cs.</summary>
internal enum ActivationKind
{
    None = 0,
    ReLU = 1,
    LeakyReLU = 2,
    Sigmoid = 3,
    Tanh = 4,
}
