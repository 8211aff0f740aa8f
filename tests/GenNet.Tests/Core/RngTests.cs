namespace GenNet.Tests;

public class RngTests
{
    [Fact]
    public void Same_seed_gives_same_sequence_and_different_seeds_differ()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        var c = new Rng(43);
        bool anyDifferent = false;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            anyDifferent |= x != c.NextUInt64();
        }
        Assert.True(anyDifferent);
    }
}
