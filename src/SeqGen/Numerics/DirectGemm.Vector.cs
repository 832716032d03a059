using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqGen.Numerics;

internal static partial class DirectGemm
{
    /// <summary>
    /// y[j] (+)= dot(x, B row j) for eight rows at once: the matrix-vector product of one sequence's
    /// step. Eight accumulators share each load of x, and one horizontal-add tree turns them into
    /// the eight sums (instead of eight separate reductions). Without <paramref name="accumulate"/>
    /// y is overwritten, so it needs no clearing first.
    /// </summary>
    public static bool TryMatrixVector<T>(int n, int k, ReadOnlySpan<T> x, ReadOnlySpan<T> b, int ldb, Span<T> y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TryMatrixVectorSum(n, k, x, b, ldb, 0, x, b, ldb, y, accumulate);

    /// <summary>
    /// y[j] (+)= dot(x, B row j) + dot(x2, B2 row j): two matrix-vector products summed in one pass
    /// over their rows, so each group of eight rows takes one store, not two, and y is read once.
    /// With <paramref name="k2"/> = 0 it is the single product.
    /// </summary>
    public static bool TryMatrixVectorSum<T>(int n, int k, ReadOnlySpan<T> x, ReadOnlySpan<T> b, int ldb,
        int k2, ReadOnlySpan<T> x2, ReadOnlySpan<T> b2, int ldb2, Span<T> y, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!HasMatrixVectorSum<T>(k, k2))
            return false;
        ReadOnlySpan<float> xs = MemoryMarshal.Cast<T, float>(x), xs2 = MemoryMarshal.Cast<T, float>(x2);
        ReadOnlySpan<float> bs = MemoryMarshal.Cast<T, float>(b), bs2 = MemoryMarshal.Cast<T, float>(b2);
        Span<float> ys = MemoryMarshal.Cast<T, float>(y);
        ref float x0 = ref MemoryMarshal.GetReference(xs), x20 = ref MemoryMarshal.GetReference(xs2);
        ref float b0 = ref MemoryMarshal.GetReference(bs), b20 = ref MemoryMarshal.GetReference(bs2);
        int j = 0;
        for (; j + 8 <= n; j += 8)
        {
            // 256-bit accumulators even with AVX-512: measured 10–15 % faster (no 512-to-256 folds,
            // and Zen 4 splits 512-bit operations in two anyway).
            // Each matrix's eight rows in turn (one loop over them, with one set of accumulators,
            // measured twice as slow: the JIT kept them in memory).
            Vector256<float> sums = Rows8x256(k, ref x0, ref Unsafe.Add(ref b0, j * ldb), ldb);
            if (k2 != 0)
                sums += Rows8x256(k2, ref x20, ref Unsafe.Add(ref b20, j * ldb2), ldb2);
            if (accumulate)
                sums += Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(ys), (nuint)j);
            sums.StoreUnsafe(ref MemoryMarshal.GetReference(ys), (nuint)j);
        }
        for (; j < n; j++)
        {
            float dot = Gemm.Dot(xs.Slice(0, k), bs.Slice(j * ldb, k));
            if (k2 != 0)
                dot += Gemm.Dot(xs2.Slice(0, k2), bs2.Slice(j * ldb2, k2));
            ys[j] = accumulate ? ys[j] + dot : dot;
        }
        return true;
    }

    /// <summary>
    /// True when <see cref="TryMatrixVectorSum{T}"/> runs for these depths (float with AVX, rows of
    /// at least one vector). Each group of eight rows is summed the same way wherever it starts,
    /// so parts of the rows starting at multiples of eight give the whole product's bits.
    /// </summary>
    public static bool HasMatrixVectorSum<T>(int k, int k2) =>
        typeof(T) == typeof(float) && Avx.IsSupported && k >= 8 && (k2 == 0 || k2 >= 8);

    // Inlined into the loop over row groups: a call returned the sums through memory (measured:
    // the loop's own share of a streaming step was a tenth).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Rows8x256(int k, ref float x, ref float b, int ldb)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        int p = 0;
        for (; p <= k - 8; p += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)p);
            ref float r = ref Unsafe.Add(ref b, p);
            s0 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref r), s0);
            s1 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, ldb)), s1);
            s2 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 2 * ldb)), s2);
            s3 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 3 * ldb)), s3);
            s4 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 4 * ldb)), s4);
            s5 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 5 * ldb)), s5);
            s6 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 6 * ldb)), s6);
            s7 = Vector256.FusedMultiplyAdd(v, Vector256.LoadUnsafe(ref Unsafe.Add(ref r, 7 * ldb)), s7);
        }
        Vector256<float> sums = Tree(s0, s1, s2, s3, s4, s5, s6, s7);
        // The tail's scratch (stackalloc) keeps it from being inlined: call it only when k is not a multiple of 8.
        return p == k ? sums : sums + Tail(p, k, ref x, ref b, ldb);
    }

    // Eight vectors to one vector of their eight sums: three rounds of pairwise horizontal adds,
    // then the two 128-bit halves added.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tree(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
    {
        Vector256<float> a = Avx.HorizontalAdd(s0, s1), b = Avx.HorizontalAdd(s2, s3);
        Vector256<float> c = Avx.HorizontalAdd(s4, s5), d = Avx.HorizontalAdd(s6, s7);
        Vector256<float> ab = Avx.HorizontalAdd(a, b), cd = Avx.HorizontalAdd(c, d);
        // ab = [s0 s1 s2 s3 | s0 s1 s2 s3] partial halves (low lane, high lane); same for cd.
        Vector256<float> low = Avx.Permute2x128(ab, cd, 0x20), high = Avx.Permute2x128(ab, cd, 0x31);
        return low + high;
    }

    private static Vector256<float> Tail(int p, int k, ref float x, ref float b, int ldb)
    {
        Span<float> rest = stackalloc float[8];
        for (int row = 0; row < 8; row++)
        {
            float sum = 0;
            for (int q = p; q < k; q++)
                sum += Unsafe.Add(ref x, q) * Unsafe.Add(ref b, row * ldb + q);
            rest[row] = sum;
        }
        return Vector256.Create((ReadOnlySpan<float>)rest);
    }
}
