using System.Runtime.InteropServices;

namespace GenNet.Tests.Kernels;

/// <summary>Seeded inputs and the comparison helpers the kernel tests share.</summary>
internal static class KernelTestData
{
    /// <summary>Relative tolerance of a dense result against the reference, as a fraction of Σ|terms| (see <see cref="AssertDenseClose"/>).</summary>
    public const double DenseRelativeTolerance = 1e-5;

    public static float[] Uniform(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + (high - low) * random.NextSingle();
        }
        return values;
    }

    public static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ tol·magnitude + 1e-6·|expected| element-wise, where magnitude is Σ|terms| of that
    /// element's sum: the scale float rounding errors of a K-term sum grow with, whatever order it is summed in.
    /// </summary>
    public static void AssertDenseClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, ReadOnlySpan<double> magnitude, string context)
    {
        Assert.True(expected.Length <= actual.Length, context);
        for (int k = 0; k < expected.Length; k++)
        {
            double error = Math.Abs((double)actual[k] - expected[k]);
            double allowed = DenseRelativeTolerance * magnitude[k] + 1e-6 * Math.Abs(expected[k]) + 1e-30;
            if (!(error <= allowed))
            {
                Assert.Fail($"{context}: element {k} is {actual[k]:R}, reference {expected[k]:R} (error {error:E2} > allowed {allowed:E2}).");
            }
        }
    }

    /// <summary>Σ_i |x[b,i]·w[i,o]| + |bias[o]| for every y[b,o].</summary>
    public static double[] ForwardMagnitude(float[] x, float[] w, float[] bias, int batch, int inputs, int outputs)
    {
        var magnitude = new double[batch * outputs];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < inputs; i++)
            {
                double xi = Math.Abs(x[b * inputs + i]);
                for (int o = 0; o < outputs; o++)
                {
                    magnitude[b * outputs + o] += xi * Math.Abs(w[i * outputs + o]);
                }
            }
            for (int o = 0; o < outputs && bias.Length > 0; o++)
            {
                magnitude[b * outputs + o] += Math.Abs(bias[o]);
            }
        }
        return magnitude;
    }

    /// <summary>Σ_b |x[b,i]·dz[b,o]| + |dw₀[i,o]| for every dw[i,o].</summary>
    public static double[] WeightGradientMagnitude(float[] dw0, float[] x, float[] dz, int batch, int inputs, int outputs)
    {
        var magnitude = new double[inputs * outputs];
        for (int k = 0; k < magnitude.Length; k++)
        {
            magnitude[k] = Math.Abs(dw0[k]);
        }
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < inputs; i++)
            {
                double xi = Math.Abs(x[b * inputs + i]);
                for (int o = 0; o < outputs; o++)
                {
                    magnitude[i * outputs + o] += xi * Math.Abs(dz[b * outputs + o]);
                }
            }
        }
        return magnitude;
    }

    /// <summary>Σ_b |dz[b,o]| + |db₀[o]| for every db[o].</summary>
    public static double[] BiasGradientMagnitude(float[] db0, float[] dz, int batch, int outputs)
    {
        var magnitude = new double[outputs];
        for (int o = 0; o < outputs; o++)
        {
            magnitude[o] = Math.Abs(db0[o]);
            for (int b = 0; b < batch; b++)
            {
                magnitude[o] += Math.Abs(dz[b * outputs + o]);
            }
        }
        return magnitude;
    }

    /// <summary>Σ_o |dz[b,o]·w[i,o]| for every dx[b,i].</summary>
    public static double[] InputGradientMagnitude(float[] dz, float[] w, int batch, int inputs, int outputs)
    {
        var magnitude = new double[batch * inputs];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < inputs; i++)
            {
                double sum = 0;
                for (int o = 0; o < outputs; o++)
                {
                    sum += Math.Abs((double)dz[b * outputs + o] * w[i * outputs + o]);
                }
                magnitude[b * inputs + i] = sum;
            }
        }
        return magnitude;
    }

    public static bool BitIdentical(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    /// <summary>Which vector width the kernels run at in this process (for test output only; no test depends on it).</summary>
    public static string PathDescription => SimdHelpers.Width == 0 ? "scalar (Reference)" : $"Vector{SimdHelpers.Width}";
}
