using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace SeqGen.Benchmarks;

/// <summary>How every figure of the benchmark is timed.</summary>
internal static class Timing
{
    /// <summary>The median wall time of <paramref name="repeats"/> runs of <paramref name="action"/> after two warm-up runs, in seconds.</summary>
    public static double Median(Action action, int repeats) => Median(action, repeats, 0);

    /// <summary>
    /// The median wall time of at least <paramref name="repeats"/> runs that together last at
    /// least <paramref name="seconds"/> (at most 10,000 runs), after warm-up, in seconds: the
    /// protocol of the PyTorch peer (at least 20 runs and 2 s there), so that a configuration of
    /// half a millisecond is not judged on a few milliseconds of a noisy machine.
    /// </summary>
    public static double Median(Action action, int repeats, double seconds)
    {
        action();
        action();
        var times = new List<double>(repeats);
        long begin = Stopwatch.GetTimestamp();
        while (times.Count < repeats || (Stopwatch.GetElapsedTime(begin).TotalSeconds < seconds && times.Count < 10_000))
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        times.Sort();
        int n = times.Count;
        return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    }
}
