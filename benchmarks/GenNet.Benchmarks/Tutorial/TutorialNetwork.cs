namespace GenNet.Benchmarks.Tutorial;

// The baseline: the 784-512-10 network written the way from-scratch tutorials write it — layer objects with
// Forward/Backward, flat float[] arrays, textbook triple loops (i-j-k, dot product over the inner index), a fresh
// array for every result, RMSprop as a loop over each parameter array. Deliberately not optimised: it is what the
// generated code is measured against, so it must stay the ordinary way such code looks.

/// <summary>Fully connected layer: out = x·W + b.</summary>
public sealed class Affine
{
    public readonly float[] W;
    public readonly float[] B;
    public float[] DW;
    public float[] DB;
    private readonly int _in;
    private readonly int _out;
    private float[] _x = [];
    private int _batch;

    public Affine(int inputs, int outputs, Random random)
    {
        _in = inputs;
        _out = outputs;
        W = new float[inputs * outputs];
        B = new float[outputs];
        DW = new float[inputs * outputs];
        DB = new float[outputs];
        float limit = MathF.Sqrt(6f / inputs);
        for (int i = 0; i < W.Length; i++)
        {
            W[i] = (float)(random.NextDouble() * 2 - 1) * limit;
        }
    }

    public float[] Forward(float[] x, int batch)
    {
        _x = x;
        _batch = batch;
        var output = new float[batch * _out];
        for (int n = 0; n < batch; n++)
        {
            for (int j = 0; j < _out; j++)
            {
                float sum = B[j];
                for (int i = 0; i < _in; i++)
                {
                    sum += x[n * _in + i] * W[i * _out + j];
                }
                output[n * _out + j] = sum;
            }
        }
        return output;
    }

    public float[] Backward(float[] dout)
    {
        int batch = _batch;
        var dx = new float[batch * _in];
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < _in; i++)
            {
                float sum = 0f;
                for (int j = 0; j < _out; j++)
                {
                    sum += dout[n * _out + j] * W[i * _out + j];
                }
                dx[n * _in + i] = sum;
            }
        }
        DW = new float[_in * _out];
        for (int i = 0; i < _in; i++)
        {
            for (int j = 0; j < _out; j++)
            {
                float sum = 0f;
                for (int n = 0; n < batch; n++)
                {
                    sum += _x[n * _in + i] * dout[n * _out + j];
                }
                DW[i * _out + j] = sum;
            }
        }
        DB = new float[_out];
        for (int j = 0; j < _out; j++)
        {
            float sum = 0f;
            for (int n = 0; n < batch; n++)
            {
                sum += dout[n * _out + j];
            }
            DB[j] = sum;
        }
        return dx;
    }
}

/// <summary>ReLU with a mask remembered from the forward pass.</summary>
public sealed class Relu
{
    private bool[] _mask = [];

    public float[] Forward(float[] x)
    {
        _mask = new bool[x.Length];
        var output = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            _mask[i] = x[i] <= 0f;
            output[i] = _mask[i] ? 0f : x[i];
        }
        return output;
    }

    public float[] Backward(float[] dout)
    {
        var dx = new float[dout.Length];
        for (int i = 0; i < dout.Length; i++)
        {
            dx[i] = _mask[i] ? 0f : dout[i];
        }
        return dx;
    }
}

/// <summary>Softmax followed by mean cross-entropy against integer labels.</summary>
public sealed class SoftmaxWithLoss
{
    private float[] _y = [];
    private int[] _labels = [];
    private int _batch;
    private int _classes;

    public static float[] Softmax(float[] x, int batch, int classes)
    {
        var y = new float[x.Length];
        for (int n = 0; n < batch; n++)
        {
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, x[n * classes + c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++)
            {
                y[n * classes + c] = MathF.Exp(x[n * classes + c] - max);
                sum += y[n * classes + c];
            }
            for (int c = 0; c < classes; c++)
            {
                y[n * classes + c] /= sum;
            }
        }
        return y;
    }

    public float Forward(float[] x, int[] labels, int batch, int classes)
    {
        _labels = labels;
        _batch = batch;
        _classes = classes;
        _y = Softmax(x, batch, classes);
        float loss = 0f;
        for (int n = 0; n < batch; n++)
        {
            loss -= MathF.Log(_y[n * classes + labels[n]] + 1e-7f);
        }
        return loss / batch;
    }

    public float[] Backward()
    {
        var dx = new float[_y.Length];
        for (int n = 0; n < _batch; n++)
        {
            for (int c = 0; c < _classes; c++)
            {
                float t = _labels[n] == c ? 1f : 0f;
                dx[n * _classes + c] = (_y[n * _classes + c] - t) / _batch;
            }
        }
        return dx;
    }
}

/// <summary>Input → Affine → ReLU → Affine → SoftmaxWithLoss.</summary>
public sealed class TutorialNetwork
{
    public readonly Affine Affine1;
    public readonly Relu Relu1 = new();
    public readonly Affine Affine2;
    public readonly SoftmaxWithLoss LastLayer = new();

    public TutorialNetwork(int seed = 0)
    {
        var random = new Random(seed);
        Affine1 = new Affine(784, 512, random);
        Affine2 = new Affine(512, 10, random);
    }

    public float[] Predict(float[] x, int batch)
    {
        float[] h = Relu1.Forward(Affine1.Forward(x, batch));
        return Affine2.Forward(h, batch);
    }

    /// <summary>Forward, loss and backward; leaves the gradients in each Affine's DW and DB.</summary>
    public float Gradient(float[] x, int[] labels, int batch)
    {
        float loss = LastLayer.Forward(Predict(x, batch), labels, batch, 10);
        float[] dout = LastLayer.Backward();
        dout = Affine2.Backward(dout);
        dout = Relu1.Backward(dout);
        Affine1.Backward(dout);
        return loss;
    }

    /// <summary>Class probabilities for <paramref name="batch"/> samples.</summary>
    public float[] Probabilities(float[] x, int batch) => SoftmaxWithLoss.Softmax(Predict(x, batch), batch, 10);
}

/// <summary>RMSprop (Keras form) as tutorials write it: one h array per parameter array, updated element by element.</summary>
public sealed class TutorialRmsProp(float learningRate = 1e-3f, float rho = 0.9f, float epsilon = 1e-7f)
{
    private readonly Dictionary<float[], float[]> _h = new(ReferenceEqualityComparer.Instance);

    public void Update(TutorialNetwork net)
    {
        Update(net.Affine1.W, net.Affine1.DW);
        Update(net.Affine1.B, net.Affine1.DB);
        Update(net.Affine2.W, net.Affine2.DW);
        Update(net.Affine2.B, net.Affine2.DB);
    }

    private void Update(float[] parameter, float[] gradient)
    {
        if (!_h.TryGetValue(parameter, out float[]? h))
        {
            h = new float[parameter.Length];
            _h[parameter] = h;
        }
        for (int i = 0; i < parameter.Length; i++)
        {
            h[i] = rho * h[i] + (1 - rho) * gradient[i] * gradient[i];
            parameter[i] -= learningRate * gradient[i] / MathF.Sqrt(h[i] + epsilon);
        }
    }
}
