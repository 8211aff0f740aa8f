namespace GenNet.Tests.Optim;

/// <summary>Named optimizer configurations shared by the theories, default and non-default hyperparameters alike.</summary>
internal static class OptimizerCases
{
    public static readonly string[] Names =
    [
        "sgd", "momentum", "nesterov", "momentum-0.5", "rmsprop", "rmsprop-rho0.5", "adam", "adam-keras-eps", "adamw", "adamw-0",
    ];

    public static Optimizer Create(string name, int n, float lr) => name switch
    {
        "sgd" => new Sgd(n, lr),
        "momentum" => new Sgd(n, lr, momentum: 0.9f),
        "nesterov" => new Sgd(n, lr, momentum: 0.9f, nesterov: true),
        "momentum-0.5" => new Sgd(n, lr, momentum: 0.5f),
        "rmsprop" => new RmsProp(n, lr),
        "rmsprop-rho0.5" => new RmsProp(n, lr, rho: 0.5f, epsilon: 1e-4f),
        "adam" => new Adam(n, lr),
        "adam-keras-eps" => new Adam(n, lr, beta1: 0.8f, beta2: 0.99f, epsilon: 1e-7f),
        "adamw" => new AdamW(n, lr),
        "adamw-0" => new AdamW(n, lr, weightDecay: 0.1f),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (string name in Names)
        {
            data.Add(name);
        }
        return data;
    }

    public static TheoryData<string, int> AllWithLengths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Names)
        {
            foreach (int n in (int[])[1, 7, 8, 9, 31, 33, 1000])
            {
                data.Add(name, n);
            }
        }
        return data;
    }

    /// <summary>Uniform floats in [−scale, scale), from a fixed seed.</summary>
    public static float[] Random(Random rng, int n, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    public static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
