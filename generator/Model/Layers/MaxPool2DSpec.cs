using System.Collections.Generic;
using GenNet.Generator.Parse;
using Microsoft.CodeAnalysis;

namespace GenNet.Generator.Model;

/// <summary>[MaxPool2D]: the largest value of each window; the gradient flows to the first largest.</summary>
internal sealed record MaxPool2DSpec(int Window, int Stride) : Pool2DSpec(Window, Stride)
{
    public override string Kind => "MaxPool2D";

    private sealed class Reader : LayerReader
    {
        public override string AttributeName => "MaxPool2D";

        public override LayerSpec Read(LayerAttribute pool, in ReadContext context, List<Diagnostic> diagnostics)
        {
            (int window, int stride) = ReadWindow(pool, context, diagnostics);
            return new MaxPool2DSpec(window, stride);
        }
    }
}
