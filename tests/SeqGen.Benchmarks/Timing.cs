using System;
using System.Diagnostics;

namespace SeqGen.Benchmarks;

/// <summary>How every figure of the benchmark is timed.</summary>
internal static class Timing
{
    /// <summary>The median wall time of <paramref name="repeats"/> runs of <paramref name="action"/> after two warm-up runs, in seconds.</summary>
    public static double Median(Action action, int repeats)
    {
        action();
        action();
        var times = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
