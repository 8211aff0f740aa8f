using BenchmarkDotNet.Attributes;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// One optimizer step over the 407,050 parameters of the reference model. Memory-bound: SGD streams p and g
/// (4.9 MB moved), momentum and RMSprop add one state array (8.1 MB), Adam and AdamW two (11.4 MB).
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private readonly float[] _parameters = new float[MnistMlp.ParameterCount];
    private readonly float[] _gradients = new float[MnistMlp.ParameterCount];
    private readonly Sgd _sgd = new(MnistMlp.ParameterCount);
    private readonly Sgd _momentum = new(MnistMlp.ParameterCount, momentum: 0.9f);
    private readonly RmsProp _rmsProp = new(MnistMlp.ParameterCount);
    private readonly Adam _adam = new(MnistMlp.ParameterCount);
    private readonly AdamW _adamW = new(MnistMlp.ParameterCount);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(3);
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = rng.NextUniform(-0.05f, 0.05f);
            _gradients[i] = rng.NextUniform(-1e-3f, 1e-3f);
        }
    }

    [Benchmark(Baseline = true)]
    public void Sgd() => _sgd.Step(_parameters, _gradients);

    [Benchmark]
    public void Momentum() => _momentum.Step(_parameters, _gradients);

    [Benchmark]
    public void RmsProp() => _rmsProp.Step(_parameters, _gradients);

    [Benchmark]
    public void Adam() => _adam.Step(_parameters, _gradients);

    [Benchmark]
    public void AdamW() => _adamW.Step(_parameters, _gradients);
}
