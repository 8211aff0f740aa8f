using AppNetworks = GenNet.Mnist.Networks;
using GenNet.Mnist;

namespace GenNet.Tests.Mnist;

/// <summary>The app's network list reads each network's generated description.</summary>
public class AppNetworksTests
{
    [Fact]
    public void Help_lists_each_network_by_its_widths()
    {
        Assert.Equal("mlp512 = 784-512-10 (reference), mlp1024 = 784-1024-10, mlp1024x2 = 784-1024-1024-10, convnet = 1×28×28-32×26×26-64×11×11-10, convnet-deep = 1×28×28-32×26×26-64×11×11-64×9×9-256-10", AppNetworks.Summary);
        var result = AppRunner.Run("train", "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mlp1024x2 = 784-1024-1024-10", result.Output.ReplaceLineEndings(" ").Replace("  ", " "), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_file_is_matched_to_its_network_by_the_description_hash()
    {
        Assert.Equal("mlp1024", AppNetworks.ByHash(MnistWide.Description.ArchitectureHash)?.Name);
        Assert.Null(AppNetworks.ByHash(0));
    }
}
