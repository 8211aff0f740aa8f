namespace GenNet.Tests.Optim;

/// <summary>
/// Plain double-precision optimizers written straight from the textbook formulas: the oracle the vectorized
/// float optimizers are checked against. Hyperparameters are the optimizer's own float values, widened.
/// </summary>
internal abstract class ScalarReference
{
    public abstract void Step(double[] p, float[] g, double lr);

    /// <summary>The optimizer's state laid out as <see cref="Optimizer.State"/> lays it out.</summary>
    public abstract double[] State { get; }

    public static ScalarReference For(Optimizer optimizer) => optimizer switch
    {
        Sgd s => new SgdRef(optimizer.ParameterCount, s.Momentum, s.Nesterov),
        RmsProp r => new RmsPropRef(optimizer.ParameterCount, r.Rho, r.Epsilon),
        Adam a => new AdamRef(optimizer.ParameterCount, a.Beta1, a.Beta2, a.Epsilon, 0),
        AdamW w => new AdamRef(optimizer.ParameterCount, w.Beta1, w.Beta2, w.Epsilon, w.WeightDecay),
        _ => throw new NotSupportedException(optimizer.GetType().Name),
    };

    private sealed class SgdRef(int n, double mu, bool nesterov) : ScalarReference
    {
        private readonly double[] _v = mu > 0 ? new double[n] : [];
        public override double[] State => _v;

        public override void Step(double[] p, float[] g, double lr)
        {
            for (int i = 0; i < p.Length; i++)
            {
                if (mu == 0)
                {
                    p[i] -= lr * g[i];
                    continue;
                }
                _v[i] = mu * _v[i] + g[i];
                double d = nesterov ? g[i] + mu * _v[i] : _v[i];
                p[i] -= lr * d;
            }
        }
    }

    private sealed class RmsPropRef(int n, double rho, double eps) : ScalarReference
    {
        private readonly double[] _s = new double[n];
        public override double[] State => _s;

        public override void Step(double[] p, float[] g, double lr)
        {
            for (int i = 0; i < p.Length; i++)
            {
                _s[i] = rho * _s[i] + (1 - rho) * g[i] * g[i];
                p[i] -= lr * g[i] / Math.Sqrt(_s[i] + eps);
            }
        }
    }

    private sealed class AdamRef(int n, double beta1, double beta2, double eps, double wd) : ScalarReference
    {
        private readonly double[] _mv = new double[2 * n];
        private long _t;
        public override double[] State => _mv;

        public override void Step(double[] p, float[] g, double lr)
        {
            _t++;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= lr * wd * p[i];
                ref double m = ref _mv[i];
                ref double v = ref _mv[n + i];
                m = beta1 * m + (1 - beta1) * g[i];
                v = beta2 * v + (1 - beta2) * g[i] * g[i];
                double mHat = m / (1 - Math.Pow(beta1, _t));
                double vHat = v / (1 - Math.Pow(beta2, _t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }
}
