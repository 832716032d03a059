using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SeqGen.Numerics;

internal static partial class DirectGemm
{
    /// <summary>
    /// y[0..n) += Σ_p x[p · xStride] · B row p, B [k × n] with row stride ldb: a row vector times
    /// a matrix, as one sequence's step needs. A block of columns is held in registers while the
    /// rows of B stream past, each row's part of the block read contiguously; there are no
    /// horizontal sums. Measured faster than dot products of B's columns (laid out as rows) when
    /// the matrix sits in L2: 95–110 GB/s against 70–75. A matrix larger than L2 streams in
    /// panels of rows instead (<see cref="RowPanels{T}"/>).
    /// </summary>
    public static void RowVector<T>(int n, int k, ReadOnlySpan<T> x, int xStride, ReadOnlySpan<T> b, int ldb, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || k == 0)
            return;
        // One bounds check for each operand, so that the blocks can use references.
        _ = x[(k - 1) * xStride];
        _ = b[(k - 1) * ldb + n - 1];
        _ = y[n - 1];
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        if (!FitsRowBlocks<T>(k, n))
        {
            RowPanels(n, k, ref x0, xStride, ref b0, ldb, ref y0);
            return;
        }
        int j = 0;
        // Wide blocks mean few passes over B: sixteen or eight accumulators with AVX-512's 32
        // registers, eight with AVX2's 16, one vector for what is left.
        if (Vector512.IsHardwareAccelerated)
        {
            for (int width = 16 * Vector512<T>.Count; j + width <= n; j += width)
                Block16x512(k, ref x0, xStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref y0, j));
            for (int width = 8 * Vector512<T>.Count; j + width <= n; j += width)
                Block8x512(k, ref x0, xStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref y0, j));
        }
        for (int width = 8 * Vector256<T>.Count; j + width <= n; j += width)
            Block8x256(k, ref x0, xStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref y0, j));
        for (int width = Vector256<T>.Count; j + width <= n; j += width)
            Block1x256(k, ref x0, xStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref y0, j));
        for (; j < n; j++)
        {
            T sum = T.Zero;
            for (int p = 0; p < k; p++)
                sum += Unsafe.Add(ref x0, p * xStride) * Unsafe.Add(ref b0, p * ldb + j);
            Unsafe.Add(ref y0, j) += sum;
        }
    }

    /// <summary>
    /// True while a [k × n] B is small enough for the column blocks above; from twice the core's
    /// L2 on, B is read from L3 or memory and streams in panels of rows instead (measured on Zen 4,
    /// 1 MB of L2: blocks faster at 1 MB, both tie at 2 MB, panels 1.2x faster at 4 MB, 1.4x at
    /// 16 MB, 2x at 64 MB; on Zen 3, 512 KB of L2, panels 1.2x faster at 1.5 MB and 1.6x at 2 MB).
    /// </summary>
    public static bool FitsRowBlocks<T>(int k, int n) => (long)k * n * Unsafe.SizeOf<T>() <= 2 * CacheSizes.L2Bytes;

    /// <summary>
    /// y += x·B by panels of eight rows of B, each read front to back, y loaded and stored once per
    /// panel. A column block's pass (above) reads every row's part at a stride of ldb, a page per
    /// row once rows are wide; out of L2 the prefetchers and the TLB lose that race, while eight
    /// contiguous streams keep memory busy.
    /// </summary>
    private static void RowPanels<T>(int n, int k, ref T x, int xStride, ref T b, int ldb, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        nuint l = (nuint)ldb;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            Vector256<T> s0 = Vector256.Create(Unsafe.Add(ref x, p * xStride)), s1 = Vector256.Create(Unsafe.Add(ref x, (p + 1) * xStride));
            Vector256<T> s2 = Vector256.Create(Unsafe.Add(ref x, (p + 2) * xStride)), s3 = Vector256.Create(Unsafe.Add(ref x, (p + 3) * xStride));
            Vector256<T> s4 = Vector256.Create(Unsafe.Add(ref x, (p + 4) * xStride)), s5 = Vector256.Create(Unsafe.Add(ref x, (p + 5) * xStride));
            Vector256<T> s6 = Vector256.Create(Unsafe.Add(ref x, (p + 6) * xStride)), s7 = Vector256.Create(Unsafe.Add(ref x, (p + 7) * xStride));
            ref T panel = ref Unsafe.Add(ref b, p * ldb);
            int j = 0;
            for (; j + w <= n; j += w)
            {
                ref T column = ref Unsafe.Add(ref panel, j);
                // Two chains of four, so that the adds do not wait on each other.
                Vector256<T> even = Simd.Fma(s0, Vector256.LoadUnsafe(ref column), Vector256.LoadUnsafe(ref y, (nuint)j));
                Vector256<T> odd = s1 * Vector256.LoadUnsafe(ref column, l);
                even = Simd.Fma(s2, Vector256.LoadUnsafe(ref column, 2 * l), even);
                odd = Simd.Fma(s3, Vector256.LoadUnsafe(ref column, 3 * l), odd);
                even = Simd.Fma(s4, Vector256.LoadUnsafe(ref column, 4 * l), even);
                odd = Simd.Fma(s5, Vector256.LoadUnsafe(ref column, 5 * l), odd);
                even = Simd.Fma(s6, Vector256.LoadUnsafe(ref column, 6 * l), even);
                odd = Simd.Fma(s7, Vector256.LoadUnsafe(ref column, 7 * l), odd);
                (even + odd).StoreUnsafe(ref y, (nuint)j);
            }
            for (; j < n; j++)
            {
                T sum = T.Zero;
                for (int q = 0; q < 8; q++)
                    sum += Unsafe.Add(ref x, (p + q) * xStride) * Unsafe.Add(ref panel, q * ldb + j);
                Unsafe.Add(ref y, j) += sum;
            }
        }
        for (; p < k; p++)
        {
            Vector256<T> s = Vector256.Create(Unsafe.Add(ref x, p * xStride));
            ref T row = ref Unsafe.Add(ref b, p * ldb);
            int j = 0;
            for (; j + w <= n; j += w)
                Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)j), Vector256.LoadUnsafe(ref y, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
            for (; j < n; j++)
                Unsafe.Add(ref y, j) += Unsafe.Add(ref x, p * xStride) * Unsafe.Add(ref row, j);
        }
    }

    private static void Block16x512<T>(int k, ref T x, int xStride, ref T b, int ldb, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<T> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        ref T row = ref b;
        for (int p = 0; p < k; p++, row = ref Unsafe.Add(ref row, ldb))
        {
            Vector512<T> s = Vector512.Create(Unsafe.Add(ref x, p * xStride));
            a0 = Simd.Fma(s, Vector512.LoadUnsafe(ref row), a0);
            a1 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)w), a1);
            a2 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(2 * w)), a2);
            a3 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(3 * w)), a3);
            a4 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(4 * w)), a4);
            a5 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(5 * w)), a5);
            a6 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(6 * w)), a6);
            a7 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(7 * w)), a7);
            a8 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(8 * w)), a8);
            a9 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(9 * w)), a9);
            a10 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(10 * w)), a10);
            a11 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(11 * w)), a11);
            a12 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(12 * w)), a12);
            a13 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(13 * w)), a13);
            a14 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(14 * w)), a14);
            a15 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(15 * w)), a15);
        }
        Simd.AddPair(ref y, 0, a0, a1, w);
        Simd.AddPair(ref y, 2 * w, a2, a3, w);
        Simd.AddPair(ref y, 4 * w, a4, a5, w);
        Simd.AddPair(ref y, 6 * w, a6, a7, w);
        Simd.AddPair(ref y, 8 * w, a8, a9, w);
        Simd.AddPair(ref y, 10 * w, a10, a11, w);
        Simd.AddPair(ref y, 12 * w, a12, a13, w);
        Simd.AddPair(ref y, 14 * w, a14, a15, w);
    }

    private static void Block8x512<T>(int k, ref T x, int xStride, ref T b, int ldb, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        ref T row = ref b;
        for (int p = 0; p < k; p++, row = ref Unsafe.Add(ref row, ldb))
        {
            Vector512<T> s = Vector512.Create(Unsafe.Add(ref x, p * xStride));
            a0 = Simd.Fma(s, Vector512.LoadUnsafe(ref row), a0);
            a1 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)w), a1);
            a2 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(2 * w)), a2);
            a3 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(3 * w)), a3);
            a4 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(4 * w)), a4);
            a5 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(5 * w)), a5);
            a6 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(6 * w)), a6);
            a7 = Simd.Fma(s, Vector512.LoadUnsafe(ref row, (nuint)(7 * w)), a7);
        }
        Simd.AddPair(ref y, 0, a0, a1, w);
        Simd.AddPair(ref y, 2 * w, a2, a3, w);
        Simd.AddPair(ref y, 4 * w, a4, a5, w);
        Simd.AddPair(ref y, 6 * w, a6, a7, w);
    }

    private static void Block8x256<T>(int k, ref T x, int xStride, ref T b, int ldb, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        ref T row = ref b;
        for (int p = 0; p < k; p++, row = ref Unsafe.Add(ref row, ldb))
        {
            Vector256<T> s = Vector256.Create(Unsafe.Add(ref x, p * xStride));
            a0 = Simd.Fma(s, Vector256.LoadUnsafe(ref row), a0);
            a1 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)w), a1);
            a2 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(2 * w)), a2);
            a3 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(3 * w)), a3);
            a4 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(4 * w)), a4);
            a5 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(5 * w)), a5);
            a6 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(6 * w)), a6);
            a7 = Simd.Fma(s, Vector256.LoadUnsafe(ref row, (nuint)(7 * w)), a7);
        }
        Simd.AddPair(ref y, 0, a0, a1, w);
        Simd.AddPair(ref y, 2 * w, a2, a3, w);
        Simd.AddPair(ref y, 4 * w, a4, a5, w);
        Simd.AddPair(ref y, 6 * w, a6, a7, w);
    }

    // One vector of columns: what is left after the wide blocks.
    private static void Block1x256<T>(int k, ref T x, int xStride, ref T b, int ldb, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Four partial sums over alternating rows hide the FMA latency.
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
        ref T row = ref b;
        int p = 0;
        for (; p + 4 <= k; p += 4, row = ref Unsafe.Add(ref row, 4 * ldb))
        {
            a0 = Simd.Fma(Vector256.Create(Unsafe.Add(ref x, p * xStride)), Vector256.LoadUnsafe(ref row), a0);
            a1 = Simd.Fma(Vector256.Create(Unsafe.Add(ref x, (p + 1) * xStride)), Vector256.LoadUnsafe(ref row, (nuint)ldb), a1);
            a2 = Simd.Fma(Vector256.Create(Unsafe.Add(ref x, (p + 2) * xStride)), Vector256.LoadUnsafe(ref row, (nuint)(2 * ldb)), a2);
            a3 = Simd.Fma(Vector256.Create(Unsafe.Add(ref x, (p + 3) * xStride)), Vector256.LoadUnsafe(ref row, (nuint)(3 * ldb)), a3);
        }
        for (; p < k; p++, row = ref Unsafe.Add(ref row, ldb))
            a0 = Simd.Fma(Vector256.Create(Unsafe.Add(ref x, p * xStride)), Vector256.LoadUnsafe(ref row), a0);
        ((a0 + a1) + (a2 + a3) + Vector256.LoadUnsafe(ref y)).StoreUnsafe(ref y);
    }
}
