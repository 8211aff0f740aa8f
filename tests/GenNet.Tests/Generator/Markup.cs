using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace GenNet.Tests.Generator;

/// <summary>Reads <c>{|GNN0001:text|}</c> markup: the plain source, and each expected diagnostic's ID and span.</summary>
internal static class Markup
{
    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var source = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            if (markup.AsSpan(i).StartsWith("{|"))
            {
                int colon = markup.IndexOf(':', i);
                open.Push((markup.Substring(i + 2, colon - i - 2), source.Length));
                i = colon + 1;
            }
            else if (markup.AsSpan(i).StartsWith("|}") && open.Count > 0)
            {
                (string id, int start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, source.Length)));
                i += 2;
            }
            else
            {
                source.Append(markup[i++]);
            }
        }
        Assert.Empty(open);
        return (source.ToString(), expected);
    }
}
