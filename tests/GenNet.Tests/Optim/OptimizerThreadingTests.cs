namespace GenNet.Tests.Optim;

/// <summary>
/// Step split over a <see cref="WorkerPool"/>: same bits as one thread for every optimizer, contiguous 64-aligned
/// ranges, one <c>BeginStep</c> per step, a disposed pool rejected, and no allocation.
/// </summary>
public class OptimizerThreadingTests
{
    /// <summary>The smallest arena split over 2 threads, and over 3.</summary>
    private const int TwoParts = 2 * Optimizer.MinFloatsPerPart, ThreeParts = 3 * Optimizer.MinFloatsPerPart;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in OptimizerCases.Names)
        {
            foreach (int n in (int[])[1, 7, 33, TwoParts - 1, TwoParts, TwoParts + 1, ThreeParts - 1, ThreeParts + 1, 100_003])
            {
                data.Add(name, n);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Two_and_three_threads_give_the_same_parameters_and_state_as_one(string name, int n)
    {
        using var two = new WorkerPool(2);
        using var three = new WorkerPool(3);
        var rng = new Random(n);
        float[] start = OptimizerCases.Random(rng, n);
        float[][] grads = Enumerable.Range(0, 4).Select(_ => OptimizerCases.Random(rng, n)).ToArray();
        Optimizer single = OptimizerCases.Create(name, n, 0.01f);
        (Optimizer Optimizer, WorkerPool? Pool, float[] Parameters)[] runs =
        [
            (OptimizerCases.Create(name, n, 0.01f), two, (float[])start.Clone()),
            (OptimizerCases.Create(name, n, 0.01f), three, (float[])start.Clone()),
            (OptimizerCases.Create(name, n, 0.01f), null, (float[])start.Clone()),
        ];
        float[] expected = (float[])start.Clone();
        for (int step = 0; step < grads.Length; step++)
        {
            // A schedule changes the learning rate between steps; every run must pick it up the same way.
            float lr = 0.01f / (step + 1);
            single.LearningRate = lr;
            single.Step(expected, grads[step]);
            foreach (var (optimizer, pool, parameters) in runs)
            {
                optimizer.LearningRate = lr;
                optimizer.Step(parameters, grads[step], pool);
                OptimizerCases.AssertSameBits(expected, parameters);
                OptimizerCases.AssertSameBits(single.State, optimizer.State);
                Assert.Equal(single.Steps, optimizer.Steps);
            }
        }
    }

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(TwoParts - 1, 2, 1)]
    [InlineData(TwoParts, 2, 2)]
    [InlineData(ThreeParts - 1, 3, 2)]
    [InlineData(ThreeParts, 3, 3)]
    [InlineData(100_003, 2, 2)]
    [InlineData(100_003, 3, 3)]
    [InlineData(100_003, 1, 1)]
    public void Parts_are_contiguous_64_aligned_ranges_with_one_BeginStep(int n, int threads, int expectedParts)
    {
        using var pool = new WorkerPool(threads);
        var optimizer = new RecordingOptimizer(n);
        var p = new float[n];
        var g = new float[n];
        for (int step = 1; step <= 3; step++)
        {
            optimizer.Ranges.Clear();
            optimizer.Step(p, g, pool);
            Assert.Equal(step, optimizer.BeginSteps);
            var ranges = optimizer.Ranges.OrderBy(r => r.Start).ToList();
            Assert.Equal(expectedParts, ranges.Count);
            Assert.Equal(expectedParts, ranges.Select(r => r.Thread).Distinct().Count());
            int next = 0;
            foreach (var (start, length, _) in ranges)
            {
                Assert.Equal(next, start);
                Assert.Equal(0, start % 64);
                Assert.True(length > 0);
                next = start + length;
            }
            Assert.Equal(n, next);
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100_003)]
    public void A_null_pool_runs_on_the_caller(int n)
    {
        var optimizer = new RecordingOptimizer(n);
        optimizer.Step(new float[n], new float[n], null);
        var (start, length, thread) = Assert.Single(optimizer.Ranges);
        Assert.Equal((0, n, Environment.CurrentManagedThreadId), (start, length, thread));
    }

    [Theory]
    [InlineData("rmsprop", 7)]
    [InlineData("adam", 100_003)]
    public void A_disposed_pool_throws_and_changes_nothing(string name, int n)
    {
        var pool = new WorkerPool(2);
        pool.Dispose();
        Optimizer optimizer = OptimizerCases.Create(name, n, 0.01f);
        float[] p = OptimizerCases.Random(new Random(1), n);
        float[] before = (float[])p.Clone();
        Assert.Throws<ObjectDisposedException>(() => optimizer.Step(p, new float[n], pool));
        Assert.Equal(0, optimizer.Steps);
        OptimizerCases.AssertSameBits(before, p);
        Assert.All(optimizer.State.ToArray(), s => Assert.Equal(0f, s));
    }

    /// <summary>A pool busy with another thread's kernel refuses the step before any part runs: the step count,
    /// the parameters and the state stay as they were.</summary>
    [Fact]
    public void A_pool_busy_on_another_thread_throws_and_changes_nothing()
    {
        const int n = 100_003;
        using var pool = new WorkerPool(2);
        var optimizer = new RmsProp(n);
        float[] p = OptimizerCases.Random(new Random(2), n), g = OptimizerCases.Random(new Random(3), n);
        using var stop = new CancellationTokenSource();
        // A dedicated thread, not the thread pool: parallel tests can starve the pool for longer than the deadline.
        // Another optimizer's steps keep the pool busy: they use it on every instruction set (the dense kernels fall
        // back to their scalar twins, without the pool, when there are no vector instructions).
        var busy = new Thread(() =>
        {
            var other = new RmsProp(1 << 20);
            float[] p2 = new float[1 << 20], g2 = new float[1 << 20];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    other.Step(p2, g2, pool);
                }
                catch (InvalidOperationException)
                {
                    // The step below took the pool first: the refusal works both ways.
                }
            }
        }) { IsBackground = true };
        busy.Start();
        bool refused = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!refused && DateTime.UtcNow < deadline)
        {
            long steps = optimizer.Steps;
            float[] before = (float[])p.Clone(), state = optimizer.State.ToArray();
            try
            {
                optimizer.Step(p, g, pool);
            }
            catch (InvalidOperationException)
            {
                refused = true;
                Assert.Equal(steps, optimizer.Steps);
                OptimizerCases.AssertSameBits(before, p);
                OptimizerCases.AssertSameBits(state, optimizer.State.ToArray());
            }
        }
        stop.Cancel();
        busy.Join();
        Assert.True(refused, "the pool never refused a concurrent step within 30 s");
    }

    [Fact]
    public void Wrong_lengths_throw_with_a_pool_too()
    {
        using var pool = new WorkerPool(2);
        var optimizer = new Adam(TwoParts);
        Assert.Throws<ArgumentException>(() => optimizer.Step(new float[TwoParts], new float[TwoParts - 1], pool));
        Assert.Equal(0, optimizer.Steps);
    }

    /// <summary>Records the ranges <see cref="Update"/> is given and the thread each ran on.</summary>
    private sealed class RecordingOptimizer(int n) : Optimizer(n, 0.1f)
    {
        public override string Name => "test";

        private readonly Lock _lock = new();

        public List<(int Start, int Length, int Thread)> Ranges { get; } = [];

        public int BeginSteps { get; private set; }

        protected override void BeginStep() => BeginSteps++;

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, int start)
        {
            Assert.Equal(parameters.Length, gradients.Length);
            lock (_lock)
            {
                Ranges.Add((start, parameters.Length, Environment.CurrentManagedThreadId));
            }
        }
    }
}

/// <summary>The pooled step allocates nothing, on the caller or on the workers. Runs with the other allocation tests, alone.</summary>
[Collection(nameof(GenNet.Tests.Kernels.AllocationCollection))]
public class OptimizerThreadingAllocationTests
{
    public static TheoryData<string> Cases => OptimizerCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooled_step_allocates_nothing_after_warm_up(string name)
    {
        const int n = 100_003;
        var rng = new Random(3);
        using var pool = new WorkerPool(2);
        Optimizer opt = OptimizerCases.Create(name, n, 1e-3f);
        float[] p = OptimizerCases.Random(rng, n);
        float[] g = OptimizerCases.Random(rng, n, 1e-3f);
        Assert.Equal(0, Allocations.MeasureEverywhere(pool, () => opt.Step(p, g, pool), repeat: 200));
    }
}
