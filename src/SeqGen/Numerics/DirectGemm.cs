using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SeqGen.Numerics;

/// <summary>
/// Products with few rows (a batch of sequences, one step at a time), computed in place without
/// packing: repacking the weights for every step would cost as much as the product itself.
/// C = A·Bᵀ by register-blocked dot products of contiguous rows; C += A·B and Aᵀ·B by a row
/// vector times B for up to three rows (DirectGemm.RowVector.cs) and register-blocked axpy over
/// B's rows for more.
/// </summary>
internal static partial class DirectGemm
{
    private static bool Wide => Vector512.IsHardwareAccelerated;

    private static int Width<T>() => Wide ? Vector512<T>.Count : Vector256<T>.Count;

    /// <summary>C[i, j] += dot(A row i, B row j); A is [m × k] (stride lda), B is [n × k] (stride ldb).</summary>
    public static void DotProducts<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> sums = stackalloc T[8];
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        // Blocks of four rows of B outside, pairs of rows of A inside: the four rows of B stay in
        // cache while every row of A meets them.
        int pairs = m - m % 2, quads = n - n % 4;
        for (int j = 0; j < quads; j += 4)
        {
            ref T br = ref Unsafe.Add(ref b0, j * ldb);
            for (int pair = 0; pair < pairs; pair += 2)
            {
                ref T ar = ref Unsafe.Add(ref a0, pair * lda);
                if (Wide)
                    Dot2x4_Vector512(k, ref ar, ref Unsafe.Add(ref ar, lda), ref br, ref Unsafe.Add(ref br, ldb), ref Unsafe.Add(ref br, 2 * ldb), ref Unsafe.Add(ref br, 3 * ldb), sums);
                else
                    Dot2x4_Vector256(k, ref ar, ref Unsafe.Add(ref ar, lda), ref br, ref Unsafe.Add(ref br, ldb), ref Unsafe.Add(ref br, 2 * ldb), ref Unsafe.Add(ref br, 3 * ldb), sums);
                for (int q = 0; q < 4; q++)
                {
                    c[pair * ldc + j + q] += sums[q];
                    c[(pair + 1) * ldc + j + q] += sums[4 + q];
                }
            }
        }
        for (int row = 0; row < pairs; row++)
        {
            for (int j = quads; j < n; j++)
                c[row * ldc + j] += Gemm.Dot(a.Slice(row * lda, k), b.Slice(j * ldb, k));
        }
        for (int i = pairs; i < m; i++)
        {
            // A single row (the streaming step): four rows of B share each load of A's row.
            int j = 0;
            ref T ar = ref Unsafe.Add(ref a0, i * lda);
            for (; j + 4 <= n; j += 4)
            {
                ref T br = ref Unsafe.Add(ref b0, j * ldb);
                if (Wide)
                    Dot2x4_Vector512(k, ref ar, ref ar, ref br, ref Unsafe.Add(ref br, ldb), ref Unsafe.Add(ref br, 2 * ldb), ref Unsafe.Add(ref br, 3 * ldb), sums);
                else
                    Dot2x4_Vector256(k, ref ar, ref ar, ref br, ref Unsafe.Add(ref br, ldb), ref Unsafe.Add(ref br, 2 * ldb), ref Unsafe.Add(ref br, 3 * ldb), sums);
                for (int q = 0; q < 4; q++)
                    c[i * ldc + j + q] += sums[q];
            }
            for (; j < n; j++)
                c[i * ldc + j] += Gemm.Dot(a.Slice(i * lda, k), b.Slice(j * ldb, k));
        }
    }

    /// <summary>
    /// C[i, :] += Σ_p op(A)(i, p) · B row p, with op(A)(i, p) = a[i·rowStride + p·colStride] and B
    /// [k × n] (stride ldb). Edge rows and columns go through a scalar loop.
    /// </summary>
    public static void RowCombinations<T>(int m, int n, int k, ReadOnlySpan<T> a, int rowStride, int colStride, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = 2 * Width<T>();
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        ref T c0 = ref MemoryMarshal.GetReference(c);
        int fullRows = m - m % 4, fullColumns = n - n % nr;
        // Column strips outside, rows inside: each strip of B (k × nr) is read from memory once
        // and then reused from cache by every block of rows.
        for (int j = 0; j < fullColumns; j += nr)
        {
            for (int i = 0; i < fullRows; i += 4)
            {
                if (Wide)
                    Axpy4_Vector512(k, ref Unsafe.Add(ref a0, i * rowStride), rowStride, colStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, i * ldc + j), ldc);
                else
                    Axpy4_Vector256(k, ref Unsafe.Add(ref a0, i * rowStride), rowStride, colStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, i * ldc + j), ldc);
            }
        }
        // The rest: rows below the last full block (all columns), and columns right of the last
        // full block (full rows), with vectorised axpy.
        for (int i = 0; i < m; i++)
        {
            int from = i < fullRows ? fullColumns : 0;
            if (from >= n)
                continue;
            Span<T> row = c.Slice(i * ldc + from, n - from);
            for (int p = 0; p < k; p++)
            {
                T scale = a[i * rowStride + p * colStride];
                if (scale != T.Zero)
                    Gemm.AddScaled(row, scale, b.Slice(p * ldb + from, n - from));
            }
        }
    }

    // C[i, j] += dot(A row i, B row j) for rows i0..i0+2 of A and j0..j0+4 of B: eight
    // accumulators share every load.
    private static void Dot2x4_Vector512<T>(int k, ref T a0, ref T a1, ref T b0, ref T b1, ref T b2, ref T b3, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector512<T> s10 = default, s11 = default, s12 = default, s13 = default;
        int p = 0;
        for (; p <= k - w; p += w)
        {
            Vector512<T> x0 = Vector512.LoadUnsafe(ref a0, (nuint)p), x1 = Vector512.LoadUnsafe(ref a1, (nuint)p);
            Vector512<T> y = Vector512.LoadUnsafe(ref b0, (nuint)p);
            s00 = Simd.Fma(x0, y, s00); s10 = Simd.Fma(x1, y, s10);
            y = Vector512.LoadUnsafe(ref b1, (nuint)p);
            s01 = Simd.Fma(x0, y, s01); s11 = Simd.Fma(x1, y, s11);
            y = Vector512.LoadUnsafe(ref b2, (nuint)p);
            s02 = Simd.Fma(x0, y, s02); s12 = Simd.Fma(x1, y, s12);
            y = Vector512.LoadUnsafe(ref b3, (nuint)p);
            s03 = Simd.Fma(x0, y, s03); s13 = Simd.Fma(x1, y, s13);
        }
        sums[0] = Vector512.Sum(s00); sums[1] = Vector512.Sum(s01); sums[2] = Vector512.Sum(s02); sums[3] = Vector512.Sum(s03);
        sums[4] = Vector512.Sum(s10); sums[5] = Vector512.Sum(s11); sums[6] = Vector512.Sum(s12); sums[7] = Vector512.Sum(s13);
        for (; p < k; p++)
        {
            T x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p);
            T y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p), y2 = Unsafe.Add(ref b2, p), y3 = Unsafe.Add(ref b3, p);
            sums[0] += x0 * y0; sums[1] += x0 * y1; sums[2] += x0 * y2; sums[3] += x0 * y3;
            sums[4] += x1 * y0; sums[5] += x1 * y1; sums[6] += x1 * y2; sums[7] += x1 * y3;
        }
    }

    // C[i0..i0+4, j0..j0+2W] += A[i0..i0+4, :] · B[:, j0..j0+2W], reading A in place with
    // strides (rowStride, colStride) and B rows in place: no packing, eight accumulators.
    private static void Axpy4_Vector512<T>(int k, ref T a, int rowStride, int colStride, ref T b, int ldb, ref T c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < k; p++)
        {
            ref T bp = ref Unsafe.Add(ref b, p * ldb);
            Vector512<T> y0 = Vector512.LoadUnsafe(ref bp), y1 = Vector512.LoadUnsafe(ref bp, (nuint)w);
            ref T ap = ref Unsafe.Add(ref a, p * colStride);
            Vector512<T> x = Vector512.Create(ap);
            c00 = Simd.Fma(x, y0, c00); c01 = Simd.Fma(x, y1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, rowStride));
            c10 = Simd.Fma(x, y0, c10); c11 = Simd.Fma(x, y1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2 * rowStride));
            c20 = Simd.Fma(x, y0, c20); c21 = Simd.Fma(x, y1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3 * rowStride));
            c30 = Simd.Fma(x, y0, c30); c31 = Simd.Fma(x, y1, c31);
        }
        Simd.AddPair(ref c, 0, c00, c01, w);
        Simd.AddPair(ref c, ldc, c10, c11, w);
        Simd.AddPair(ref c, 2 * ldc, c20, c21, w);
        Simd.AddPair(ref c, 3 * ldc, c30, c31, w);
    }

    // C[i, j] += dot(A row i, B row j) for rows i0..i0+2 of A and j0..j0+4 of B: eight
    // accumulators share every load.
    private static void Dot2x4_Vector256<T>(int k, ref T a0, ref T a1, ref T b0, ref T b1, ref T b2, ref T b3, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<T> s10 = default, s11 = default, s12 = default, s13 = default;
        int p = 0;
        for (; p <= k - w; p += w)
        {
            Vector256<T> x0 = Vector256.LoadUnsafe(ref a0, (nuint)p), x1 = Vector256.LoadUnsafe(ref a1, (nuint)p);
            Vector256<T> y = Vector256.LoadUnsafe(ref b0, (nuint)p);
            s00 = Simd.Fma(x0, y, s00); s10 = Simd.Fma(x1, y, s10);
            y = Vector256.LoadUnsafe(ref b1, (nuint)p);
            s01 = Simd.Fma(x0, y, s01); s11 = Simd.Fma(x1, y, s11);
            y = Vector256.LoadUnsafe(ref b2, (nuint)p);
            s02 = Simd.Fma(x0, y, s02); s12 = Simd.Fma(x1, y, s12);
            y = Vector256.LoadUnsafe(ref b3, (nuint)p);
            s03 = Simd.Fma(x0, y, s03); s13 = Simd.Fma(x1, y, s13);
        }
        sums[0] = Vector256.Sum(s00); sums[1] = Vector256.Sum(s01); sums[2] = Vector256.Sum(s02); sums[3] = Vector256.Sum(s03);
        sums[4] = Vector256.Sum(s10); sums[5] = Vector256.Sum(s11); sums[6] = Vector256.Sum(s12); sums[7] = Vector256.Sum(s13);
        for (; p < k; p++)
        {
            T x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p);
            T y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p), y2 = Unsafe.Add(ref b2, p), y3 = Unsafe.Add(ref b3, p);
            sums[0] += x0 * y0; sums[1] += x0 * y1; sums[2] += x0 * y2; sums[3] += x0 * y3;
            sums[4] += x1 * y0; sums[5] += x1 * y1; sums[6] += x1 * y2; sums[7] += x1 * y3;
        }
    }

    // C[i0..i0+4, j0..j0+2W] += A[i0..i0+4, :] · B[:, j0..j0+2W], reading A in place with
    // strides (rowStride, colStride) and B rows in place: no packing, eight accumulators.
    private static void Axpy4_Vector256<T>(int k, ref T a, int rowStride, int colStride, ref T b, int ldb, ref T c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < k; p++)
        {
            ref T bp = ref Unsafe.Add(ref b, p * ldb);
            Vector256<T> y0 = Vector256.LoadUnsafe(ref bp), y1 = Vector256.LoadUnsafe(ref bp, (nuint)w);
            ref T ap = ref Unsafe.Add(ref a, p * colStride);
            Vector256<T> x = Vector256.Create(ap);
            c00 = Simd.Fma(x, y0, c00); c01 = Simd.Fma(x, y1, c01);
            x = Vector256.Create(Unsafe.Add(ref ap, rowStride));
            c10 = Simd.Fma(x, y0, c10); c11 = Simd.Fma(x, y1, c11);
            x = Vector256.Create(Unsafe.Add(ref ap, 2 * rowStride));
            c20 = Simd.Fma(x, y0, c20); c21 = Simd.Fma(x, y1, c21);
            x = Vector256.Create(Unsafe.Add(ref ap, 3 * rowStride));
            c30 = Simd.Fma(x, y0, c30); c31 = Simd.Fma(x, y1, c31);
        }
        Simd.AddPair(ref c, 0, c00, c01, w);
        Simd.AddPair(ref c, ldc, c10, c11, w);
        Simd.AddPair(ref c, 2 * ldc, c20, c21, w);
        Simd.AddPair(ref c, 3 * ldc, c30, c31, w);
    }
}
