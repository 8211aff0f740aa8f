using GenNet.Models;

namespace GenNet.Tests.Networks;

/// <summary>
/// The convolution kernels' exact bits through whole networks: loss, every gradient and Predict's probabilities, hashed
/// (−0 counted as +0, since zero skipping may flip the sign of a zero) and recorded per vector width from the patch-row
/// kernels of 2026-12-06, before the patches were built transposed and col2im ran along image rows. Those rewrites
/// promise the same sums in the same order; the parity tests only hold the kernels to the scalar reference within
/// rounding, so a change of summation order (and with it every accuracy the README quotes) fails here instead.
/// MnistConvNet's hash changed once, on purpose, on 2026-12-07: its second convolution's forward became Winograd
/// F(2×2, 3×3) (Kernels.Conv2DWinograd.cs), whose sums differ from the direct ones by rounding; WinogradConvNet pins those.
/// </summary>
public class ConvBitsTests
{
    public static TheoryData<string> Networks => new() { nameof(OddConvNet), nameof(OddKernelConvNet), nameof(WideRowConvNet), nameof(MnistConvNet), nameof(WinogradConvNet) };

    // The hash with Vector512 tiles and with Vector256 tiles, per network (the same: the sums run in the same order).
    private static readonly Dictionary<string, (ulong Hash512, ulong Hash256)> s_recorded = new()
    {
        [nameof(OddConvNet)] = (0x90C4EAF00736E1BDUL, 0x90C4EAF00736E1BDUL),
        [nameof(OddKernelConvNet)] = (0x511DB0DA4851A16FUL, 0x511DB0DA4851A16FUL),
        [nameof(WideRowConvNet)] = (0xC988592ED597301DUL, 0xC988592ED597301DUL),
        [nameof(MnistConvNet)] = (0x4BFB0992781A5D55UL, 0x4BFB0992781A5D55UL),
        [nameof(WinogradConvNet)] = (0x16E50136922FA073UL, 0x16E50136922FA073UL),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Convolutional_network_keeps_its_bits(string name)
    {
        const int rows = 5;
        using INetwork net = name switch
        {
            nameof(OddConvNet) => new OddConvNet(rows, seed: 11),
            nameof(OddKernelConvNet) => new OddKernelConvNet(rows, seed: 11),
            nameof(WideRowConvNet) => new WideRowConvNet(rows, seed: 11),
            nameof(WinogradConvNet) => new WinogradConvNet(rows, seed: 11),
            _ => new MnistConvNet(rows, seed: 11),
        };
        var rng = new Random(name.Length);
        // A third of the inputs zero, so the zero lists of the forward product and weight gradient have work to do.
        float[] x = new float[rows * net.InputSize];
        for (int k = 0; k < x.Length; k++)
        {
            x[k] = rng.NextDouble() < 0.33 ? 0f : (float)(2 * rng.NextDouble() - 1);
        }
        float[] targets = new float[rows * net.OutputSize];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(net.OutputSize);
            targets[r * net.OutputSize + labels[r]] = 1f;
        }

        float loss = net is IClassifier classifier ? classifier.ComputeGradients(x, labels, rows) : ((IRegressor)net).ComputeGradients(x, targets, rows);
        float[] outputs = new float[rows * net.OutputSize];
        net.Predict(x, outputs, rows);

        int width = global::GenNet.Kernels.VectorWidth;
        if (width >= 256)
        {
            ulong actual = BitHash.Of([loss], net.Gradients.ToArray(), outputs);
            ulong recorded = width == 512 ? s_recorded[name].Hash512 : s_recorded[name].Hash256;
            Assert.True(recorded == actual, $"{name} on Vector{width}: results hash to 0x{actual:X16}UL, recorded 0x{recorded:X16}UL.");
        }
    }
}
