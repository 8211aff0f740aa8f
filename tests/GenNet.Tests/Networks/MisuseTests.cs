namespace GenNet.Tests.Networks;

/// <summary>
/// A network used from two threads at once, after Dispose, with an absurd thread count or with non-finite inputs: each
/// is refused with an exception before any state changes, never a silent corruption.
/// </summary>
public class MisuseTests
{
    /// <summary>Holds TrainStep inside the network (its step runs while the network's guard is held) until released.</summary>
    private sealed class BlockingOptimizer(int parameterCount) : Optimizer(parameterCount, 0.1f)
    {
        public override string Name => "test";

        public readonly ManualResetEventSlim Entered = new();
        public readonly ManualResetEventSlim Release = new();

        protected override void BeginStep()
        {
            Entered.Set();
            Release.Wait();
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
        {
        }
    }

    /// <summary>Every public entry of a classifier, called once with valid arguments.</summary>
    private static readonly (string Name, Action<TinyReluNet, int> Call)[] Entries =
    [
        ("Forward", (net, _) => net.Forward(new float[TinyReluNet.InputSize], new float[TinyReluNet.OutputSize])),
        ("Predict", (net, batch) => net.Predict(new float[batch * TinyReluNet.InputSize], new float[batch * TinyReluNet.OutputSize], batch)),
        ("ComputeGradients", (net, batch) => net.ComputeGradients(new float[batch * TinyReluNet.InputSize], new int[batch], batch)),
        ("TrainStep", (net, batch) => net.TrainStep(new float[batch * TinyReluNet.InputSize], new int[batch], batch, new Sgd(TinyReluNet.ParameterCount))),
        ("Evaluate", (net, batch) => net.Evaluate(new float[batch * TinyReluNet.InputSize], new int[batch], batch)),
    ];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 6)]
    [InlineData(2, 1)]
    [InlineData(2, 6)]
    public void A_call_overlapping_another_from_a_second_thread_throws_and_changes_nothing(int threads, int batch)
    {
        using var net = new TinyReluNet(batch, seed: 1, threads: threads);
        var blocking = new BlockingOptimizer(TinyReluNet.ParameterCount);
        float[] before = net.Parameters.ToArray();
        Exception? firstError = null;
        var first = new Thread(() =>
        {
            try { net.TrainStep(new float[batch * TinyReluNet.InputSize], new int[batch], batch, blocking); }
            catch (Exception e) { firstError = e; }
        });
        first.Start();
        Assert.True(blocking.Entered.Wait(TimeSpan.FromSeconds(30)), "the first call never reached its optimizer step");
        float[] gradients = net.Gradients.ToArray();
        foreach ((string name, Action<TinyReluNet, int> call) in Entries)
        {
            var error = Assert.Throws<InvalidOperationException>(() => call(net, batch));
            Assert.Contains("another thread", error.Message);
            Assert.True(gradients.AsSpan().SequenceEqual(net.Gradients), $"{name} changed the gradients of the running call");
        }
        Assert.Throws<InvalidOperationException>(() => net.Dispose());
        blocking.Release.Set();
        Assert.True(first.Join(TimeSpan.FromSeconds(30)), "the first call did not finish");
        Assert.Null(firstError);
        Assert.Equal(before, net.Parameters.ToArray()); // the blocking optimizer updates nothing

        // Once the first call is done, the network serves the next one as usual, from any thread.
        foreach ((_, Action<TinyReluNet, int> call) in Entries)
        {
            Exception? otherError = null;
            var other = new Thread(() =>
            {
                try { call(net, batch); }
                catch (Exception e) { otherError = e; }
            });
            other.Start();
            other.Join();
            Assert.Null(otherError);
            call(net, batch);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_call_after_Dispose_throws_ObjectDisposedException(int threads)
    {
        var net = new TinyReluNet(4, seed: 1, threads: threads);
        net.Dispose();
        net.Dispose(); // a second Dispose does nothing
        foreach ((string name, Action<TinyReluNet, int> call) in Entries)
        {
            var error = Assert.Throws<ObjectDisposedException>(() => call(net, 4));
            Assert.Contains(nameof(TinyReluNet), error.Message);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1000)]
    public void An_absurd_thread_count_is_refused(int threads)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TinyReluNet(4, threads: threads));
        Assert.Contains($"between 1 and {Guard.MaxThreads}", error.Message);
    }

    [Fact]
    public void The_largest_thread_count_is_accepted()
    {
        using var net = new TinyReluNet(4, threads: Guard.MaxThreads);
        Assert.Equal(Guard.MaxThreads, net.Threads);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_inputs_are_refused_before_anything_changes(float bad)
    {
        const int batch = 5;
        using var net = new TinyReluNet(batch, seed: 2);
        float[] x = GradientCheckTests.RandomArray(new Rng(3), batch * TinyReluNet.InputSize, 1f);
        x[3 * TinyReluNet.InputSize + 1] = bad;
        float[] parameters = net.Parameters.ToArray();
        var optimizer = new Adam(TinyReluNet.ParameterCount);

        AssertNamesSample(3, () => net.TrainStep(x, new int[batch], batch, optimizer));
        AssertNamesSample(3, () => net.ComputeGradients(x, new int[batch], batch));
        AssertNamesSample(3, () => net.Evaluate(x, new int[batch], batch));
        AssertNamesSample(3, () => net.Predict(x, new float[batch * TinyReluNet.OutputSize], batch));
        AssertNamesSample(0, () => net.Forward(x.AsSpan(3 * TinyReluNet.InputSize, TinyReluNet.InputSize), new float[TinyReluNet.OutputSize]));
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(0, optimizer.Steps);
    }

    [Fact]
    public void Non_finite_inputs_are_found_in_later_chunks_and_named_by_their_sample()
    {
        using var net = new TinyReluNet(2, seed: 2);
        float[] x = new float[7 * TinyReluNet.InputSize];
        x[6 * TinyReluNet.InputSize] = float.NaN;
        AssertNamesSample(6, () => net.Predict(x, new float[7 * TinyReluNet.OutputSize], 7));
        AssertNamesSample(6, () => net.Evaluate(x, new int[7], 7));
    }

    [Fact]
    public void Non_finite_targets_are_refused()
    {
        using var net = new RegressorNet(3, seed: 2);
        float[] x = new float[3 * RegressorNet.InputSize];
        float[] t = new float[3 * RegressorNet.OutputSize];
        t[^1] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => net.TrainStep(x, t, 3, new Sgd(RegressorNet.ParameterCount)));
        Assert.Equal("targets", error.ParamName);
        Assert.Throws<ArgumentException>(() => net.Loss(x, t, 3));
    }

    [Fact]
    public void A_step_whose_loss_is_not_finite_leaves_the_parameters_as_they_were()
    {
        using var net = new TinyReluNet(4, seed: 2);
        net.Parameters.Fill(float.MaxValue); // the logits overflow to ∞ and the loss to NaN
        float[] parameters = net.Parameters.ToArray();
        var optimizer = new Sgd(TinyReluNet.ParameterCount);
        float loss = net.TrainStep(GradientCheckTests.RandomArray(new Rng(4), 4 * TinyReluNet.InputSize, 1f), new int[4], 4, optimizer);
        Assert.False(float.IsFinite(loss));
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(0, optimizer.Steps);
    }

    private static void AssertNamesSample(int sample, Action call)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Contains($"at sample {sample},", error.Message);
    }
}
