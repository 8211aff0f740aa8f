using GenNet.Data;
using GenNet.Training;
using GenNet.Mnist;
using GenNet.Models;
using GenNet.Tests.Mnist;
using GenNet.Tests.Robustness;

namespace GenNet.Tests.Training;

/// <summary>Data are checked against the network's input shape, not only its pixel count.</summary>
public class InputShapeTests
{
    private static LabeledImages Images(int rows, int columns) =>
        new(new float[4 * rows * columns], [0, 1, 2, 3], rows, columns, 10);

    [Fact]
    public void An_image_input_takes_only_images_of_its_height_and_width()
    {
        Assert.Null(Images(28, 28).MismatchWith(MnistConvNet.Description.Input));
        Assert.Equal("the samples are 1×14×56 but the network takes 1×28×28 samples", Images(14, 56).MismatchWith(MnistConvNet.Description.Input));
        Assert.NotNull(Images(28, 29).MismatchWith(MnistConvNet.Description.Input));
    }

    [Fact]
    public void A_flat_input_takes_any_image_of_as_many_pixels()
    {
        Assert.Null(Images(28, 28).MismatchWith(MnistMlp.Description.Input));
        Assert.Null(Images(14, 56).MismatchWith(MnistMlp.Description.Input));
        Assert.Equal("the samples hold 400 values (1×20×20) but the network takes 784", Images(20, 20).MismatchWith(MnistMlp.Description.Input));
    }

    [Fact]
    public void The_trainer_refuses_images_of_another_shape()
    {
        using var net = new MnistConvNet(4, seed: 1);
        var sampler = new BatchSampler(Images(14, 56), 4, new Rng(1));
        var error = Assert.Throws<ArgumentException>(() => new Trainer(net, new Adam(MnistConvNet.ParameterCount), sampler));
        Assert.Contains("1×14×56", error.Message);
        var trainer = new Trainer(net, new Adam(MnistConvNet.ParameterCount), new BatchSampler(Images(28, 28), 4, new Rng(1)))
        {
            TestSet = Images(14, 56),
        };
        Assert.Throws<ArgumentException>(() => trainer.Run(1));
    }

    [Fact]
    public void The_app_refuses_14_by_56_images_for_the_convnet_and_accepts_them_for_a_flat_network()
    {
        using var data = new TinyMnist(rows: 14, columns: 56);
        AppRunner.Result convnet = AppRunner.Run(data.Train("--arch", "convnet", "--epochs", "1"));
        AppAssert.OneLineError(convnet, ExitCodes.UsageOrData, "1×14×56", "1×28×28");
        AppRunner.Result mlp = AppRunner.Run(data.Train("--arch", "mlp512", "--epochs", "1"));
        Assert.True(mlp.ExitCode == 0, mlp.ToString());
    }
}
