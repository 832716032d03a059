using System;
using System.Numerics;

namespace SeqGen.Numerics;

/// <summary>
/// The one matrix-product entry point of generated code: C = op(A)·op(B), or C += op(A)·op(B),
/// on row-major matrices with leading dimensions. op is the identity or the transpose.
/// </summary>
/// <remarks>
/// Products of 8 rows or more are packed and cache-blocked (<c>PackedGemm</c>: an 8 × 32 AVX-512
/// or 6 × 16 AVX2 micro-kernel); fewer rows are computed in place (<c>DirectGemm</c>: dot products,
/// a row vector times a matrix, four-row axpy blocks); without AVX2 a portable
/// <see cref="Vector{T}"/> path runs. Large products, and few-row products that read a megabyte
/// of weights or more, are split between two threads (<c>GemmThreads</c>). A product repeated
/// with the same B (every step of a sequence) packs B once: <see cref="Pack{T}"/> and
/// <see cref="MultiplyPacked{T}"/>.
/// </remarks>
public static class Gemm
{
    /// <param name="transposeA">A is stored [k × m] and read transposed.</param>
    /// <param name="transposeB">B is stored [n × k] and read transposed.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner size.</param>
    /// <param name="a">A's elements; row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B's elements; row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="c">C's elements; row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add to C instead of overwriting it.</param>
    public static void Compute<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                Clear(m, n, c, ldc);
            return;
        }
        if (!GemmThreads.TryParallel(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate))
            ComputeSerial(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    private static void Clear<T>(int m, int n, Span<T> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            c.Slice(i * ldc, n).Clear();
    }

    /// <summary>Elements a buffer needs to hold op(B) (k × n) packed by <see cref="Pack{T}"/>.</summary>
    public static int PackedLength<T>(int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k < 0 || n < 0)
            throw new ArgumentOutOfRangeException(nameof(k), $"Sizes must not be negative: k={k}, n={n}.");
        return PackedGemm.IsSupported<T>() ? PackedGemm.PackedLength<T>(k, n) : k * n;
    }

    /// <summary>
    /// Packs op(B) (k × n) into the layout <see cref="MultiplyPacked{T}"/> reads, for a product
    /// repeated with the same B: the weights of every step of a sequence are packed once per pass.
    /// The layout suits this process's vector width only; it is not a storage format.
    /// </summary>
    /// <param name="transposeB">B is stored [n × k] and read transposed.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="b">B's elements; row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="packed">At least <see cref="PackedLength{T}"/>(k, n) elements.</param>
    public static void Pack<T>(bool transposeB, int k, int n, ReadOnlySpan<T> b, int ldb, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require(transposeB ? n : k, transposeB ? k : n, b.Length, ldb, "b", "ldb");
        int length = PackedLength<T>(k, n);
        if (packed.Length < length)
            throw new ArgumentException($"packed holds {packed.Length} elements; op(B) [{k} x {n}] packed needs {length} (Gemm.PackedLength).", nameof(packed));
        if (k == 0 || n == 0)
            return;
        if (PackedGemm.IsSupported<T>())
        {
            PackedGemm.Pack(transposeB, k, n, b, ldb, packed);
            return;
        }
        // Without vector kernels the "packed" form is op(B) row-major, read by the portable product.
        if (transposeB)
        {
            TransposeBlocks.Transpose(b, ldb, n, k, packed, n);
            return;
        }
        for (int p = 0; p < k; p++)
            b.Slice(p * ldb, n).CopyTo(packed.Slice(p * n, n));
    }

    /// <summary>C = A·op(B), or C += A·op(B), with op(B) (k × n) packed by <see cref="Pack{T}"/>.</summary>
    public static void MultiplyPacked<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> packed,
        Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Sizes must not be negative: m={m}, n={n}, k={k}.");
        Require(m, k, a.Length, lda, "a", "lda");
        Require(m, n, c.Length, ldc, "c", "ldc");
        int length = PackedLength<T>(k, n);
        if (packed.Length < length)
            throw new ArgumentException($"packed holds {packed.Length} elements; op(B) [{k} x {n}] packed needs {length} (Gemm.PackedLength).", nameof(packed));
        if (!PackedGemm.IsSupported<T>())
        {
            Compute(false, false, m, n, k, a, lda, packed, n, c, ldc, accumulate);
            return;
        }
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                Clear(m, n, c, ldc);
            return;
        }
        if (!GemmThreads.TryParallelPacked(m, n, k, a, lda, packed, c, ldc, accumulate, PackedGemm.PanelWidth<T>()))
            PackedGemm.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, 0, n, accumulate);
    }

    /// <summary>Threads a large product may use (1 or 2).</summary>
    public static int MaxThreads
    {
        get => GemmThreads.MaxThreads;
        set => GemmThreads.MaxThreads = value is 1 or 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be 1 or 2.");
    }

    /// <summary>
    /// C [m × n] = A·Bᵀ + A2·B2ᵀ, overwritten, with B [n × k] and B2 [n × k2] as stored: a
    /// stream's step whose gates read only the sum of its input and recurrent products. One row
    /// (the common stream) takes both matrices in one pass, on two threads (halves of the rows of
    /// both) when they are large enough together.
    /// </summary>
    internal static void ComputeSumOfTransposed<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb,
        int k2, ReadOnlySpan<T> a2, int lda2, ReadOnlySpan<T> b2, int ldb2, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckArguments(false, true, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        CheckArguments(false, true, m, n, k2, a2.Length, lda2, b2.Length, ldb2, c.Length, ldc);
        if (m == 1 && n > 0 && DirectGemm.HasMatrixVectorSum<T>(k, k2))
        {
            if (!GemmThreads.TryParallelSum(n, k, a.Slice(0, k), b, ldb, k2, a2.Slice(0, k2), b2, ldb2, c.Slice(0, n)))
                DirectGemm.TryMatrixVectorSum(n, k, a.Slice(0, k), b, ldb, k2, a2.Slice(0, k2), b2, ldb2, c.Slice(0, n), accumulate: false);
            return;
        }
        Compute(false, true, m, n, k, a, lda, b, ldb, c, ldc, false);
        Compute(false, true, m, n, k2, a2, lda2, b2, ldb2, c, ldc, true);
    }

    /// <summary>C (+)= op(A)·op(B) on the calling thread; arguments already checked, k &gt; 0.</summary>
    internal static void ComputeSerial<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (PackedGemm.IsSupported<T>() && m >= 8 && (long)m * n * k >= 32L * 32 * 32)
        {
            // Packing pays off (measured) from about 8 rows of A on: each packed element of B is
            // reused by every row. Fewer rows (a single sequence's step) read A and B in place.
            // The kernel stores its first block of sums, so C is not cleared first.
            PackedGemm.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        // A single sequence's step: the matrix-vector kernel overwrites y, so it is not cleared first.
        if (PackedGemm.IsSupported<T>() && transposeB && !transposeA && m == 1
            && DirectGemm.TryMatrixVector(n, k, a.Slice(0, k), b, ldb, c.Slice(0, n), accumulate))
            return;
        if (!accumulate)
            Clear(m, n, c, ldc);
        if (PackedGemm.IsSupported<T>())
        {
            if (transposeB && !transposeA)
            {
                DirectGemm.DotProducts(m, n, k, a, lda, b, ldb, c, ldc);
                return;
            }
            if (!transposeB && m < 4)
            {
                // A few rows: each a row vector times B, which streams B's rows contiguously.
                for (int i = 0; i < m; i++)
                    DirectGemm.RowVector(n, k, a.Slice(transposeA ? i : i * lda), transposeA ? lda : 1, b, ldb, c.Slice(i * ldc, n));
                return;
            }
            if (!transposeB)
            {
                DirectGemm.RowCombinations(m, n, k, a, transposeA ? 1 : lda, transposeA ? lda : 1, b, ldb, c, ldc);
                return;
            }
        }
        if (transposeB && !transposeA)
        {
            // C[i, j] = dot(A row i, B row j): both rows are contiguous.
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> aRow = a.Slice(i * lda, k);
                Span<T> cRow = c.Slice(i * ldc, n);
                for (int j = 0; j < n; j++)
                    cRow[j] += Dot(aRow, b.Slice(j * ldb, k));
            }
            return;
        }
        if (!transposeB)
        {
            // C row i += A(i, p) · B row p: an axpy over contiguous rows.
            for (int i = 0; i < m; i++)
            {
                Span<T> cRow = c.Slice(i * ldc, n);
                for (int p = 0; p < k; p++)
                {
                    T scale = transposeA ? a[p * lda + i] : a[i * lda + p];
                    if (scale != T.Zero)
                        AddScaled(cRow, scale, b.Slice(p * ldb, n));
                }
            }
            return;
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                    sum += a[p * lda + i] * b[j * ldb + p];
                c[i * ldc + j] += sum;
            }
        }
    }

    /// <summary>
    /// Writes the transpose of the [rows × columns] matrix <paramref name="source"/> into
    /// <paramref name="target"/> ([columns × rows]), in 8 × 8 blocks.
    /// </summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (source.Length < rows * columns)
            throw new ArgumentException($"source holds {source.Length} elements; a [{rows} x {columns}] matrix needs {rows * columns}.", nameof(source));
        if (target.Length < rows * columns)
            throw new ArgumentException($"target holds {target.Length} elements; a [{columns} x {rows}] matrix needs {rows * columns}.", nameof(target));
        TransposeBlocks.Transpose(source, columns, rows, columns, target, rows);
    }

    /// <summary>Sum of x[i] · y[i].</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc += new Vector<T>(x.Slice(i)) * new Vector<T>(y.Slice(i));
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    /// <summary>y += alpha · x.</summary>
    public static void AddScaled<T>(Span<T> y, T alpha, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<T>(alpha);
            for (; i <= y.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(y.Slice(i)) + scale * new Vector<T>(x.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < y.Length; i++)
            y[i] += alpha * x[i];
    }

    private static void CheckArguments(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Sizes must not be negative: m={m}, n={n}, k={k}.");
        int aRows = transposeA ? k : m, aColumns = transposeA ? m : k;
        int bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
        Require(aRows, aColumns, aLength, lda, "a", "lda");
        Require(bRows, bColumns, bLength, ldb, "b", "ldb");
        Require(m, n, cLength, ldc, "c", "ldc");
    }

    private static void Require(int rows, int columns, int length, int stride, string name, string strideName)
    {
        if (rows == 0 || columns == 0)
            return;
        if (stride < columns)
            throw new ArgumentOutOfRangeException(strideName, $"{strideName}={stride} is less than the {columns} columns of {name}.");
        long needed = (long)(rows - 1) * stride + columns;
        if (length < needed)
            throw new ArgumentException($"{name} holds {length} elements, but a [{rows} x {columns}] matrix with row stride {stride} needs {needed}.", name);
    }
}
