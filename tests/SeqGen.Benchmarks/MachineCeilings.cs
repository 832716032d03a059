using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace SeqGen.Benchmarks;

/// <summary>
/// What this machine can do at most, measured in the same run as the benchmarks, so every
/// GFLOP/s and µs in the tables can be read against the hardware rather than against another
/// machine: the fused multiply-add rate with everything in registers, and the rates at which one
/// core reads an array that fits in its L2 cache (a small streaming step's weights do) and one
/// that fits only in L3 (the weights of H = 512).
/// </summary>
internal static class MachineCeilings
{
    /// <summary>GFLOP/s of float32 FMAs on <paramref name="threads"/> threads together.</summary>
    public static double FmaGflops(int threads) => OnThreads(threads, FmaGflopsOneThread);

    /// <summary>GB/s of reads from a 512 KB array (L2-resident) on <paramref name="threads"/> threads together.</summary>
    public static double L2ReadGigabytes(int threads) => OnThreads(threads, () => ReadOneThread(128 * 1024, 4000));

    /// <summary>GB/s of reads from an 8 MB array (beyond L2, within L3) on <paramref name="threads"/> threads together.</summary>
    public static double L3ReadGigabytes(int threads) => OnThreads(threads, () => ReadOneThread(2 * 1024 * 1024, 250));

    private static double OnThreads(int threads, Func<double> probe)
    {
        var results = new double[threads];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() => results[index] = probe());
            workers[t].Start();
        }
        double sum = 0;
        for (int t = 0; t < threads; t++)
        {
            workers[t].Join();
            sum += results[t];
        }
        return sum;
    }

    private static double FmaGflopsOneThread()
    {
        const long iterations = 20_000_000;
        double best = 0;
        for (int repeat = 0; repeat < 3; repeat++)
        {
            long start = Stopwatch.GetTimestamp();
            float sink = Vector512.IsHardwareAccelerated ? Fma512(iterations) : Fma256(iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;
            best = Math.Max(best, iterations * 12.0 * lanes * 2 / seconds / 1e9 + (sink == 12345 ? 1e-9 : 0));
        }
        return best;
    }

    // Twelve independent chains: enough to cover the FMA latency on both pipes.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999f), k = Vector512.Create(1e-4f);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f);
        Vector512<float> a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f);
        Vector512<float> a8 = Vector512.Create(8f), a9 = Vector512.Create(9f), a10 = Vector512.Create(10f), a11 = Vector512.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, k); a1 = Vector512.FusedMultiplyAdd(a1, m, k);
            a2 = Vector512.FusedMultiplyAdd(a2, m, k); a3 = Vector512.FusedMultiplyAdd(a3, m, k);
            a4 = Vector512.FusedMultiplyAdd(a4, m, k); a5 = Vector512.FusedMultiplyAdd(a5, m, k);
            a6 = Vector512.FusedMultiplyAdd(a6, m, k); a7 = Vector512.FusedMultiplyAdd(a7, m, k);
            a8 = Vector512.FusedMultiplyAdd(a8, m, k); a9 = Vector512.FusedMultiplyAdd(a9, m, k);
            a10 = Vector512.FusedMultiplyAdd(a10, m, k); a11 = Vector512.FusedMultiplyAdd(a11, m, k);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999f), k = Vector256.Create(1e-4f);
        Vector256<float> a0 = Vector256.Create(0f), a1 = Vector256.Create(1f), a2 = Vector256.Create(2f), a3 = Vector256.Create(3f);
        Vector256<float> a4 = Vector256.Create(4f), a5 = Vector256.Create(5f), a6 = Vector256.Create(6f), a7 = Vector256.Create(7f);
        Vector256<float> a8 = Vector256.Create(8f), a9 = Vector256.Create(9f), a10 = Vector256.Create(10f), a11 = Vector256.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, k); a1 = Vector256.FusedMultiplyAdd(a1, m, k);
            a2 = Vector256.FusedMultiplyAdd(a2, m, k); a3 = Vector256.FusedMultiplyAdd(a3, m, k);
            a4 = Vector256.FusedMultiplyAdd(a4, m, k); a5 = Vector256.FusedMultiplyAdd(a5, m, k);
            a6 = Vector256.FusedMultiplyAdd(a6, m, k); a7 = Vector256.FusedMultiplyAdd(a7, m, k);
            a8 = Vector256.FusedMultiplyAdd(a8, m, k); a9 = Vector256.FusedMultiplyAdd(a9, m, k);
            a10 = Vector256.FusedMultiplyAdd(a10, m, k); a11 = Vector256.FusedMultiplyAdd(a11, m, k);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static double ReadOneThread(int length, int passes)
    {
        var data = new float[length];
        data.AsSpan().Fill(1f);
        double best = 0;
        for (int repeat = 0; repeat < 3; repeat++)
        {
            long start = Stopwatch.GetTimestamp();
            float sink = 0;
            for (int pass = 0; pass < passes; pass++)
                sink += Sum(data);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, (double)passes * data.Length * sizeof(float) / seconds / 1e9 + (sink == 12345 ? 1e-9 : 0));
        }
        return best;
    }

    // Eight accumulators of 512 bits (or 256): one cache line per load, loads independent.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Sum(float[] data)
    {
        ref float start = ref data[0];
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int i = 0; i < data.Length; i += 128)
            {
                s0 += Vector512.LoadUnsafe(ref start, (nuint)i); s1 += Vector512.LoadUnsafe(ref start, (nuint)(i + 16));
                s2 += Vector512.LoadUnsafe(ref start, (nuint)(i + 32)); s3 += Vector512.LoadUnsafe(ref start, (nuint)(i + 48));
                s4 += Vector512.LoadUnsafe(ref start, (nuint)(i + 64)); s5 += Vector512.LoadUnsafe(ref start, (nuint)(i + 80));
                s6 += Vector512.LoadUnsafe(ref start, (nuint)(i + 96)); s7 += Vector512.LoadUnsafe(ref start, (nuint)(i + 112));
            }
            return Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
        }
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default;
        for (int i = 0; i < data.Length; i += 64)
        {
            t0 += Vector256.LoadUnsafe(ref start, (nuint)i); t1 += Vector256.LoadUnsafe(ref start, (nuint)(i + 8));
            t2 += Vector256.LoadUnsafe(ref start, (nuint)(i + 16)); t3 += Vector256.LoadUnsafe(ref start, (nuint)(i + 24));
            t4 += Vector256.LoadUnsafe(ref start, (nuint)(i + 32)); t5 += Vector256.LoadUnsafe(ref start, (nuint)(i + 40));
            t6 += Vector256.LoadUnsafe(ref start, (nuint)(i + 48)); t7 += Vector256.LoadUnsafe(ref start, (nuint)(i + 56));
        }
        return Vector256.Sum(t0 + t1 + t2 + t3 + t4 + t5 + t6 + t7);
    }
}
