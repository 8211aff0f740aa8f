namespace GenNet.Generator.Model;

/// <summary>[MeanSquaredError]: the mean over all outputs of (y − t)² against float targets; a regressor.</summary>
internal sealed record MeanSquaredErrorSpec : LossSpec
{
    public override string Kind => "MeanSquaredError";
}
