namespace GenNet.Tests;

/// <summary>A hash of every float's bits (64-bit FNV-1a), for tests that pin a computation's exact results.</summary>
internal static class BitHash
{
    /// <summary>Hashes the values in order; −0 counts as +0, since zero skipping may flip the sign of a zero.</summary>
    public static ulong Of(params float[][] arrays)
    {
        ulong hash = 14695981039346656037UL;
        foreach (float[] values in arrays)
        {
            foreach (float v in values)
            {
                hash = (hash ^ (uint)BitConverter.SingleToInt32Bits(v == 0f ? 0f : v)) * 1099511628211UL;
            }
        }
        return hash;
    }
}
