using System;

namespace SeqGen.Tests;

/// <summary>Random test inputs.</summary>
internal static class TestData
{
    /// <summary>Fills <paramref name="values"/> uniformly from [−scale, scale].</summary>
    public static void Fill(Span<double> values, Random random, double scale)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = scale * (2 * random.NextDouble() - 1);
    }
}
