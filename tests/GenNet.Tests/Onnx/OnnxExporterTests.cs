using GenNet.Onnx;
using GenNet.Tests.Data;
using GenNet.Tests.Serialization;

namespace GenNet.Tests.Onnx;

public sealed class OnnxExporterTests
{
    [Fact]
    public void Export_replaces_an_existing_file_and_leaves_no_temporary_behind()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.onnx");
        File.WriteAllText(path, "old");
        using var net = new EveryOpRegressor(maxBatchSize: 1);

        OnnxExporter.Export(net, path);

        Assert.Equal(["model.onnx"], temp.Names());
        var inMemory = new MemoryStream();
        OnnxExporter.Export(net, inMemory);
        Assert.Equal(inMemory.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_network_that_cannot_be_exported_leaves_the_old_file_alone()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.onnx");
        File.WriteAllText(path, "old");
        var net = new FakeNetwork(7);   // its description needs 8 parameters

        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(net, path));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["model.onnx"], temp.Names());
    }

    [Fact]
    public void Description_and_sizes_must_agree()
    {
        // Dense 3 → 2 with bias needs 3×2 + 2 = 8 parameters.
        Assert.False(OnnxExporter.Serialize(new FakeNetwork(8)).IsEmpty);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Serialize(new FakeNetwork(7)));
        Assert.Contains("has 3 inputs, 2 outputs and 8 parameters, but the network has 3, 2 and 7", error.Message, StringComparison.Ordinal);
        var fourInputs = new NetworkDescription("Input(4) Dense(2) SoftmaxCrossEntropy", 1, TensorShape.Flat(4),
            [new LayerDescription(new DenseAttribute(2), TensorShape.Flat(4), TensorShape.Flat(2)) { Weights = new(0, 8), Bias = new(8, 2) }],
            LossKind.SoftmaxCrossEntropy, 10);
        error = Assert.Throws<ArgumentException>(() => OnnxExporter.Serialize(new FakeNetwork(10, description: fourInputs)));
        Assert.Contains("has 4 inputs, 2 outputs and 10 parameters, but the network has 3, 2 and 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dense_layer_whose_slices_do_not_fit_its_shapes_is_rejected()
    {
        var shortWeights = new NetworkDescription("Input(3) Dense(2) SoftmaxCrossEntropy", 1, TensorShape.Flat(3),
            [new LayerDescription(new DenseAttribute(2), TensorShape.Flat(3), TensorShape.Flat(2)) { Weights = new(0, 5), Bias = new(5, 2) }],
            LossKind.SoftmaxCrossEntropy, 8);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Serialize(new FakeNetwork(8, description: shortWeights)));
        Assert.Contains("maps 3 to 2 values but has 5 weights and 2 biases", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_into_a_missing_directory_throws_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        using var net = new EveryOpRegressor(maxBatchSize: 1);
        Assert.Throws<DirectoryNotFoundException>(() => OnnxExporter.Export(net, Path.Combine(temp.Path, "missing", "model.onnx")));
        Assert.Empty(temp.Names());
    }
}
