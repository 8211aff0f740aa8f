using System.Collections.Generic;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>[AvgPool2D]: the mean of each window.</summary>
internal sealed record AvgPool2DSpec(int Window, int Stride) : Pool2DSpec(Window, Stride)
{
    public override string Kind => "AvgPool2D";

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "AvgPool2D";

        public override LayerSpec Read(LayerAttribute pool, in ReadContext context, List<Diagnostic> diagnostics)
        {
            (int window, int stride) = ReadWindow(pool, context, diagnostics);
            return new AvgPool2DSpec(window, stride);
        }
    }
}
