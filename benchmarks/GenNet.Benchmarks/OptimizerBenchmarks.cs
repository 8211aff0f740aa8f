using BenchmarkDotNet.Attributes;
using GenNet.Models;

namespace GenNet.Benchmarks;

/// <summary>
/// One optimizer step over the 407,050 parameters of the reference model, on the calling thread and split over a
/// 2-thread pool (as a 2-thread network's TrainStep runs it). SGD and momentum are memory-bound (SGD moves 4.9 MB,
/// momentum 8.1 MB); RMSprop, Adam and AdamW are bound by the square root and division per parameter.
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
    private WorkerPool _pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pool = new WorkerPool(2);
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

    [Benchmark]
    public void Sgd2T() => _sgd.Step(_parameters, _gradients, _pool);

    [Benchmark]
    public void RmsProp2T() => _rmsProp.Step(_parameters, _gradients, _pool);

    [Benchmark]
    public void Adam2T() => _adam.Step(_parameters, _gradients, _pool);

    [GlobalCleanup]
    public void Cleanup() => _pool.Dispose();
}
