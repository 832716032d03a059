using System;
using SeqGen.Numerics;

namespace SeqGen.Tests;

/// <summary>GEMM against a plain triple loop, for every transpose, odd and blocked sizes, both precisions.</summary>
public class GemmTests
{
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 1 }, { 1, 37, 29 }, { 1, 64, 128 }, { 1, 9, 16 }, { 3, 5, 7 }, { 4, 33, 9 }, { 13, 17, 19 }, { 6, 32, 256 }, { 37, 70, 300 }, { 130, 530, 260 }, { 64, 48, 1 }, { 4, 1030, 1100 }, { 40, 300, 400 },
        // A row vector times a matrix larger than L2 (more than 2 MB even when two threads split the columns): read by panels of rows.
        { 1, 1030, 1100 }, { 3, 1030, 1100 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaive_Double(int m, int n, int k) => Check<double>(m, n, k, 1e-12);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaive_Float(int m, int n, int k) => Check<float>(m, n, k, 1e-5);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Packed_MatchesNaive_Double(int m, int n, int k) => Check<double>(m, n, k, 1e-12, packed: true);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Packed_MatchesNaive_Float(int m, int n, int k) => Check<float>(m, n, k, 1e-5, packed: true);

    // With packed: B is packed once (Gemm.Pack) and multiplied by MultiplyPacked; A is never transposed there.
    private static void Check<T>(int m, int n, int k, double tolerance, bool packed = false) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(m * 1000 + n * 10 + k);
        foreach (bool ta in packed ? new[] { false } : new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    // Leading dimensions larger than the matrices, to catch stride mistakes.
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                    var a = Random<T>((ta ? k : m) * lda, random);
                    var b = Random<T>((tb ? n : k) * ldb, random);
                    var c = Random<T>(m * ldc, random);
                    var expected = (T[])c.Clone();
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            double sum = 0;
                            for (int p = 0; p < k; p++)
                                sum += double.CreateChecked(ta ? a[p * lda + i] : a[i * lda + p]) * double.CreateChecked(tb ? b[j * ldb + p] : b[p * ldb + j]);
                            expected[i * ldc + j] = T.CreateChecked(sum + (accumulate ? double.CreateChecked(c[i * ldc + j]) : 0));
                        }
                    }
                    if (packed)
                    {
                        var laidOut = new T[Gemm.PackedLength<T>(k, n)];
                        Gemm.Pack<T>(tb, k, n, b, ldb, laidOut);
                        Gemm.MultiplyPacked<T>(m, n, k, a, lda, laidOut, c, ldc, accumulate);
                    }
                    else
                    {
                        Gemm.Compute<T>(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
                    }
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < ldc; j++)
                        {
                            double want = double.CreateChecked(expected[i * ldc + j]), got = double.CreateChecked(c[i * ldc + j]);
                            Assert.True(Math.Abs(want - got) <= tolerance * Math.Max(1, Math.Sqrt(k)) * Math.Max(1, Math.Abs(want)),
                                $"m={m} n={n} k={k} ta={ta} tb={tb} acc={accumulate}: C[{i},{j}] = {got}, expected {want}");
                        }
                    }
                }
            }
        }
    }

    internal static T[] Random<T>(int length, Random random) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
            values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }


    /// <summary>
    /// C = A·Bᵀ + A2·B2ᵀ, a stream's summed step: one row takes the one-pass kernel (k and k2 with
    /// and without tails, n with a tail), more rows two products; both against a double sum, with
    /// the weights at every offset from a 32-byte boundary (a parameters' array starts anywhere).
    /// </summary>
    [Theory]
    [InlineData(1, 256, 64, 64)]
    [InlineData(1, 37, 13, 29)]
    [InlineData(1, 16, 8, 5)]
    [InlineData(1, 9, 3, 40)]
    [InlineData(1, 24, 16, 24)]
    [InlineData(1, 17, 21, 18)]
    [InlineData(3, 40, 17, 24)]
    public void SumOfTransposed_MatchesTwoNaiveProducts(int m, int n, int k, int k2)
    {
        var random = new Random(7);
        float[] Fill(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
        float[] a = Fill(m * k), a2 = Fill(m * k2), bStore = Fill(n * k + 8), b2Store = Fill(n * k2 + 8);
        for (int shift = 0; shift < 8; shift++)
        {
            ReadOnlySpan<float> b = bStore.AsSpan(shift, n * k), b2 = b2Store.AsSpan(7 - shift, n * k2);
            var c = Fill(m * n);
            Gemm.ComputeSumOfTransposed<float>(m, n, k, a, k, b, k, k2, a2, k2, b2, k2, c, n);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double expected = 0;
                    for (int p = 0; p < k; p++)
                        expected += (double)a[i * k + p] * b[j * k + p];
                    for (int p = 0; p < k2; p++)
                        expected += (double)a2[i * k2 + p] * b2[j * k2 + p];
                    Assert.True(Math.Abs(c[i * n + j] - expected) <= 1e-5 * (k + k2), $"shift {shift}: c[{i}, {j}] = {c[i * n + j]}, expected {expected}");
                }
        }
    }

    [Fact]
    public void AlignedBuffers_StartOnACacheLine_AndStayThereAfterACollection()
    {
        foreach (int length in new[] { 1, 7, 1000, 300_000 })
        {
            float[] array = AlignedBuffer.Allocate<float>(length);
            Assert.True(AlignedBuffer.Holds(array, length));
            Assert.False(AlignedBuffer.Holds(array, length + 17));
            for (int collection = 0; collection < 2; collection++)
            {
                Span<float> lined = AlignedBuffer.Lined(array, length);
                long start = (long)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(array, 0)
                    + (long)System.Runtime.CompilerServices.Unsafe.ByteOffset(ref array[0], ref lined[0]);
                Assert.Equal(0, start % 64);
                Assert.Equal(length, lined.Length);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
        }
    }

    [Fact]
    public void Packed_RejectsBuffersTooSmall_NamingTheArgument()
    {
        int length = Gemm.PackedLength<float>(8, 8);
        Assert.True(length >= 64);
        var error = Assert.Throws<ArgumentException>(() => Gemm.Pack<float>(false, 8, 8, new float[64], 8, new float[length - 1]));
        Assert.Equal("packed", error.ParamName);
        Assert.Contains("[8 x 8]", error.Message);
        error = Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked<float>(2, 8, 8, new float[16], 8, new float[length], new float[15], 8, false));
        Assert.Equal("c", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => Gemm.Pack<float>(true, 8, 8, new float[63], 8, new float[length]));
        Assert.Equal("b", error.ParamName);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 13)]
    [InlineData(8, 8)]
    [InlineData(16, 24)]
    [InlineData(13, 29)]
    [InlineData(64, 9)]
    // Target rows 2.4 KB apart: the narrow tiles, two of them down the rows (the second partial).
    [InlineData(600, 523)]
    public void Transpose_MovesEveryElement(int rows, int columns)
    {
        var source = Random<float>(rows * columns, new Random(rows * 100 + columns));
        var target = new float[rows * columns];
        Gemm.Transpose<float>(source, rows, columns, target);
        var doubles = new double[rows * columns];
        Gemm.Transpose<double>(Array.ConvertAll(source, v => (double)v), rows, columns, doubles);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Assert.Equal(source[i * columns + j], target[j * rows + i]);
                Assert.Equal(source[i * columns + j], doubles[j * rows + i]);
            }
        }
    }

    [Fact]
    public void RejectsBuffersTooSmall_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Compute<float>(false, false, 2, 2, 2, new float[3], 2, new float[4], 2, new float[4], 2, false));
        Assert.Equal("a", error.ParamName);
        Assert.Contains("[2 x 2]", error.Message);
    }
}

/// <summary>
/// GEMM on one thread and on two. Setting the global thread count would change what a test
/// running beside it measures (an allocation test saw the worker thread started inside its
/// window), so these run alone with the other threading tests.
/// </summary>
[Collection(nameof(ThreadedAllocationTests))]
public class GemmThreadCountTests
{
    [Theory]
    // 101 rows: parts of whole micro-tiles with a partial tile last; k = 1100: three blocks of k,
    // each a job of its own on two threads.
    [InlineData(false, true, false, 96, 700, 300)]
    [InlineData(false, false, false, 101, 300, 1100)]
    [InlineData(true, false, true, 101, 300, 1100)]
    [InlineData(true, true, true, 64, 257, 700)]
    // One row (a sequence's step): halves of the columns, split where both halves run whole
    // vector blocks (1000 / 2 = 500 is not a multiple of a vector); W as stored, then transposed.
    [InlineData(false, true, false, 1, 1000, 300)]
    [InlineData(false, false, true, 1, 1000, 300)]
    [InlineData(false, false, false, 1, 520, 72)]
    public void OneThread_And_TwoThreads_GiveTheSameResult(bool transposeA, bool transposeB, bool accumulate, int m, int n, int k)
    {
        var random = new Random(9);
        float[] a = GemmTests.Random<float>(m * k, random), b = GemmTests.Random<float>(n * k, random);
        float[] one = GemmTests.Random<float>(m * n, random);
        var two = (float[])one.Clone();
        var reference = (double[])Array.ConvertAll(one, x => (double)x);
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Gemm.Compute<float>(transposeA, transposeB, m, n, k, a, lda, b, ldb, one, n, accumulate);
            Gemm.MaxThreads = 2;
            Gemm.Compute<float>(transposeA, transposeB, m, n, k, a, lda, b, ldb, two, n, accumulate);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        Assert.Equal(one, two);
        // And both are the product (not the same wrong numbers).
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? reference[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                    sum += (double)a[transposeA ? p * lda + i : i * lda + p] * b[transposeB ? j * ldb + p : p * ldb + j];
                Assert.True(Math.Abs(one[i * n + j] - sum) <= 1e-4 * Math.Max(1, Math.Abs(sum)), $"C[{i}, {j}] = {one[i * n + j]}, expected {sum}");
            }
        }
    }

    [Theory]
    // A stream's summed step: 1000 rows split at 448 (a multiple of the kernel's eight-row groups)
    // with a partial group last; 512 rows of k = 64 + 64 just worth two threads; k = 1030: a tail.
    [InlineData(1000, 64, 72)]
    [InlineData(512, 64, 64)]
    [InlineData(300, 1030, 130)]
    public void SumOfTransposed_OneThread_And_TwoThreads_GiveTheSameResult(int n, int k, int k2)
    {
        var random = new Random(11);
        float[] x = GemmTests.Random<float>(k, random), x2 = GemmTests.Random<float>(k2, random);
        float[] b = GemmTests.Random<float>(n * k, random), b2 = GemmTests.Random<float>(n * k2, random);
        var one = new float[n];
        var two = new float[n];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Gemm.ComputeSumOfTransposed<float>(1, n, k, x, k, b, k, k2, x2, k2, b2, k2, one, n);
            Gemm.MaxThreads = 2;
            Gemm.ComputeSumOfTransposed<float>(1, n, k, x, k, b, k, k2, x2, k2, b2, k2, two, n);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        Assert.Equal(one, two);
        for (int j = 0; j < n; j++)
        {
            double expected = 0;
            for (int p = 0; p < k; p++)
                expected += (double)x[p] * b[j * k + p];
            for (int p = 0; p < k2; p++)
                expected += (double)x2[p] * b2[j * k2 + p];
            Assert.True(Math.Abs(one[j] - expected) <= 1e-5 * (k + k2), $"y[{j}] = {one[j]}, expected {expected}");
        }
    }

    [Fact]
    public void Packed_OneThread_And_TwoThreads_GiveTheSameResult()
    {
        // 1030 columns: the threads split at a panel boundary and the last panel is partial.
        const int m = 32, n = 1030, k = 600;
        var random = new Random(10);
        float[] a = GemmTests.Random<float>(m * k, random), b = GemmTests.Random<float>(n * k, random);
        var packed = new float[Gemm.PackedLength<float>(k, n)];
        Gemm.Pack<float>(true, k, n, b, k, packed);
        var one = new float[m * n];
        var two = new float[m * n];
        var direct = new float[m * n];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Gemm.MultiplyPacked<float>(m, n, k, a, k, packed, one, n, false);
            Gemm.Compute<float>(false, true, m, n, k, a, k, b, k, direct, n, false);
            Gemm.MaxThreads = 2;
            Gemm.MultiplyPacked<float>(m, n, k, a, k, packed, two, n, false);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        Assert.Equal(one, two);
        for (int i = 0; i < one.Length; i++)
            Assert.True(Math.Abs(one[i] - direct[i]) <= 1e-4f * Math.Max(1, Math.Abs(direct[i])), $"C[{i}] = {one[i]}, direct {direct[i]}");
    }
}
