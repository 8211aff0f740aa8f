namespace GenNet;

/// <summary>The sizes of one 2-D pooling, all known when the network is generated.</summary>
/// <param name="Channels">C.</param>
/// <param name="Height">H: input rows.</param>
/// <param name="Width">W: input columns.</param>
/// <param name="Window">Window height and width.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="OutHeight">OH = ⌊(H − window) / stride⌋ + 1.</param>
/// <param name="OutWidth">OW = ⌊(W − window) / stride⌋ + 1.</param>
public readonly record struct Pool2DGeometry(int Channels, int Height, int Width, int Window, int Stride, int OutHeight, int OutWidth)
{
    /// <summary>Floats of one input sample, C·H·W.</summary>
    public int InputSize => Channels * Height * Width;

    /// <summary>Floats of one output sample, C·OH·OW.</summary>
    public int OutputSize => Channels * OutHeight * OutWidth;

    internal void Check(int batch, int x, int y, string xName, string yName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (Channels < 1 || Window < 1 || Stride < 1 || OutHeight < 1 || OutWidth < 1
            || (OutHeight - 1L) * Stride + Window > Height || (OutWidth - 1L) * Stride + Window > Width
            || (long)Channels * Height * Width > int.MaxValue)
        {
            throw new ArgumentException($"Not a pooling: {this}.", nameof(Pool2DGeometry));
        }
        Guard.Rows(x, batch, InputSize, xName);
        Guard.Rows(y, batch, OutputSize, yName);
    }
}

// Pooling over CHW samples: memory-bound and a small share of a convnet's time, so each kernel is a plain loop that is
// its own scalar twin. Max pooling's backward pass finds each window's first largest value again from the input rather
// than storing its position, so it needs no state between the passes.
public static partial class Kernels
{
    /// <summary>y[b, c, i, j] = max over the window at (i·S, j·S) of x[b, c, ·, ·]; a NaN never wins against a number.</summary>
    public static void MaxPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, x.Length, y.Length, nameof(x), nameof(y));
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            Span<float> yp = y.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    yp[i * g.OutWidth + j] = xp[ArgMaxInWindow(xp, g, i, j)];
                }
            }
        }
    }

    /// <summary>dx = 0, then dx[first argmax of each window] += dy[window] (overlapping windows add up); overwrites.</summary>
    public static void MaxPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, x.Length, dy.Length, nameof(x), nameof(dy));
        Guard.Rows(dx.Length, batch, g.InputSize, nameof(dx));
        dx.Slice(0, batch * g.InputSize).Clear();
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            Span<float> dxp = dx.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            ReadOnlySpan<float> dyp = dy.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    dxp[ArgMaxInWindow(xp, g, i, j)] += dyp[i * g.OutWidth + j];
                }
            }
        }
    }

    private static int ArgMaxInWindow(ReadOnlySpan<float> plane, in Pool2DGeometry g, int i, int j)
    {
        int best = i * g.Stride * g.Width + j * g.Stride;
        for (int u = 0; u < g.Window; u++)
        {
            int row = (i * g.Stride + u) * g.Width + j * g.Stride;
            for (int v = 0; v < g.Window; v++)
            {
                if (plane[row + v] > plane[best] || float.IsNaN(plane[best]))
                {
                    best = row + v;
                }
            }
        }
        return best;
    }

    /// <summary>y[b, c, i, j] = the mean of the window at (i·S, j·S) of x[b, c, ·, ·].</summary>
    public static void AvgPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, x.Length, y.Length, nameof(x), nameof(y));
        float scale = 1f / (g.Window * g.Window);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            ReadOnlySpan<float> xp = x.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            Span<float> yp = y.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    float sum = 0f;
                    for (int u = 0; u < g.Window; u++)
                    {
                        for (int v = 0; v < g.Window; v++)
                        {
                            sum += xp[(i * g.Stride + u) * g.Width + j * g.Stride + v];
                        }
                    }
                    yp[i * g.OutWidth + j] = sum * scale;
                }
            }
        }
    }

    /// <summary>dx = 0, then every value of each window += dy[window] / window²; overwrites.</summary>
    public static void AvgPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, int batch, in Pool2DGeometry g)
    {
        g.Check(batch, dx.Length, dy.Length, nameof(dx), nameof(dy));
        dx.Slice(0, batch * g.InputSize).Clear();
        float scale = 1f / (g.Window * g.Window);
        for (int plane = 0; plane < batch * g.Channels; plane++)
        {
            Span<float> dxp = dx.Slice(plane * g.Height * g.Width, g.Height * g.Width);
            ReadOnlySpan<float> dyp = dy.Slice(plane * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    float share = dyp[i * g.OutWidth + j] * scale;
                    for (int u = 0; u < g.Window; u++)
                    {
                        for (int v = 0; v < g.Window; v++)
                        {
                            dxp[(i * g.Stride + u) * g.Width + j * g.Stride + v] += share;
                        }
                    }
                }
            }
        }
    }

    /// <summary>y[b, c] = the mean of x[b, c, ·, ·] over its <paramref name="planeSize"/> values.</summary>
    public static void GlobalAvgPool2DForward(Span<float> y, ReadOnlySpan<float> x, int batch, int channels, int planeSize)
    {
        Guard.Rows(x.Length, batch, channels * planeSize, nameof(x));
        Guard.Rows(y.Length, batch, channels, nameof(y));
        for (int k = 0; k < batch * channels; k++)
        {
            float sum = 0f;
            foreach (float value in x.Slice(k * planeSize, planeSize))
            {
                sum += value;
            }
            y[k] = sum / planeSize;
        }
    }

    /// <summary>dx[b, c, ·, ·] = dy[b, c] / planeSize; overwrites.</summary>
    public static void GlobalAvgPool2DBackward(Span<float> dx, ReadOnlySpan<float> dy, int batch, int channels, int planeSize)
    {
        Guard.Rows(dx.Length, batch, channels * planeSize, nameof(dx));
        Guard.Rows(dy.Length, batch, channels, nameof(dy));
        for (int k = 0; k < batch * channels; k++)
        {
            dx.Slice(k * planeSize, planeSize).Fill(dy[k] / planeSize);
        }
    }
}
