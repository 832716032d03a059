using System;
using SeqGen.Numerics;

namespace SeqGen.Tests;

/// <summary>GEMM against a plain triple loop, for every transpose, odd and blocked sizes, both precisions.</summary>
public class GemmTests
{
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 1 }, { 1, 37, 29 }, { 1, 64, 128 }, { 1, 9, 16 }, { 3, 5, 7 }, { 4, 33, 9 }, { 13, 17, 19 }, { 6, 32, 256 }, { 37, 70, 300 }, { 130, 530, 260 }, { 64, 48, 1 }, { 4, 1030, 1100 }, { 40, 300, 400 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaive_Double(int m, int n, int k) => Check<double>(m, n, k, 1e-12);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatchesNaive_Float(int m, int n, int k) => Check<float>(m, n, k, 1e-5);

    private static void Check<T>(int m, int n, int k, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(m * 1000 + n * 10 + k);
        foreach (bool ta in new[] { false, true })
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
                    Gemm.Compute<T>(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
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

    private static T[] Random<T>(int length, Random random) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var values = new T[length];
        for (int i = 0; i < length; i++)
            values[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        return values;
    }

    [Fact]
    public void OneThread_And_TwoThreads_GiveTheSameResult()
    {
        const int m = 96, n = 700, k = 300;
        var random = new Random(9);
        float[] a = Random<float>(m * k, random), b = Random<float>(n * k, random);
        var one = new float[m * n];
        var two = new float[m * n];
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 1;
            Gemm.Compute<float>(false, true, m, n, k, a, k, b, k, one, n, false);
            Gemm.MaxThreads = 2;
            Gemm.Compute<float>(false, true, m, n, k, a, k, b, k, two, n, false);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
        Assert.Equal(one, two);
    }

    [Fact]
    public void RejectsBuffersTooSmall_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Compute<float>(false, false, 2, 2, 2, new float[3], 2, new float[4], 2, new float[4], 2, false));
        Assert.Equal("a", error.ParamName);
        Assert.Contains("[2 x 2]", error.Message);
    }
}
