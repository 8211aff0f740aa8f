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
    public void A_network_whose_architecture_cannot_be_exported_leaves_the_old_file_alone()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.onnx");
        File.WriteAllText(path, "old");
        var net = new FakeNetwork(8, "Input(3) Conv(2) SoftmaxCrossEntropy");

        var error = Assert.Throws<FormatException>(() => OnnxExporter.Export(net, path));

        Assert.Contains("'Conv(2)' should be Dense", error.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["model.onnx"], temp.Names());
    }

    [Fact]
    public void Architecture_and_sizes_must_agree()
    {
        // Input(3) Dense(2) needs 3×2 + 2 = 8 parameters.
        Assert.False(OnnxExporter.Serialize(new FakeNetwork(8)).IsEmpty);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Serialize(new FakeNetwork(7)));
        Assert.Contains("describes 3 inputs, 2 outputs and 8 parameters, but the network has 3, 2 and 7", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OnnxExporter.Serialize(new FakeNetwork(4 * 2 + 2, "Input(4) Dense(2) SoftmaxCrossEntropy")));
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
