namespace GenNet.Serialization;

/// <summary>
/// CRC-32 as in zlib, gzip and PNG (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final xor
/// 0xFFFFFFFF); the check value of the ASCII bytes "123456789" is 0xCBF43926.
/// </summary>
/// <remarks>Written here rather than taken from System.IO.Hashing to keep the runtime free of package dependencies.</remarks>
internal static class Crc32
{
    private static readonly uint[] s_table = CreateTable();

    /// <summary>The state to start from.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    /// <summary>Folds <paramref name="data"/> into a running state (start from <see cref="Initial"/>).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        uint[] table = s_table;
        foreach (byte b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }
        return state;
    }

    /// <summary>The checksum of a running state.</summary>
    public static uint Finish(uint state) => ~state;

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
