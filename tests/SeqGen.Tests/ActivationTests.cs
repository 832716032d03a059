using System;
using System.Numerics;
using SeqGen.CompilerServices;
using SeqGen.Numerics;
using Xunit.Abstractions;

namespace SeqGen.Tests;

/// <summary>The vectorised functions against Math/MathF, measured in units in the last place.</summary>
public class ActivationTests(ITestOutputHelper output)
{
    private static double Ulps(float actual, double exact)
    {
        float rounded = (float)exact;
        if (actual == rounded)
            return 0;
        float ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
        return Math.Abs(actual - exact) / ulp;
    }

    private static double Ulps(double actual, double exact)
    {
        if (actual == exact)
            return 0;
        double ulp = Math.BitIncrement(Math.Abs(exact)) - Math.Abs(exact);
        return Math.Abs(actual - exact) / ulp;
    }

    private static float[] Grid()
    {
        var values = new float[4096];
        var random = new Random(3);
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-6, 2)));
        return values;
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("exp")]
    [InlineData("silu")]
    [InlineData("softsign")]
    public void Float_WithinAFewUlp(string name)
    {
        float[] x = Grid();
        double worst = 0;
        int count = Vector<float>.Count;
        for (int i = 0; i + count <= x.Length; i += count)
        {
            var v = new Vector<float>(x, i);
            Vector<float> y = name switch
            {
                "sigmoid" => VectorMath.Sigmoid(v),
                "tanh" => VectorMath.Tanh(v),
                "softplus" => VectorMath.Softplus(v),
                "silu" => VectorMath.Silu(v),
                "softsign" => VectorMath.Softsign(v),
                _ => VectorMath.Exp(v),
            };
            for (int l = 0; l < count; l++)
            {
                double xd = x[i + l];
                double exact = name switch
                {
                    "sigmoid" => 1 / (1 + Math.Exp(-xd)),
                    "tanh" => Math.Tanh(xd),
                    "softplus" => Math.Log(1 + Math.Exp(xd)),
                    "silu" => xd / (1 + Math.Exp(-xd)),
                    "softsign" => xd / (1 + Math.Abs(xd)),
                    _ => Math.Exp(xd),
                };
                worst = Math.Max(worst, Ulps(y[l], exact));
            }
        }
        output.WriteLine($"{name} float: worst {worst:F2} ulp");
        Assert.True(worst <= 4, $"{name}: {worst:F2} ulp");
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("exp")]
    [InlineData("silu")]
    [InlineData("softsign")]
    public void Double_WithinAFewUlp(string name)
    {
        float[] grid = Grid();
        double worst = 0;
        int count = Vector<double>.Count;
        var x = Array.ConvertAll(grid, v => (double)v);
        for (int i = 0; i + count <= x.Length; i += count)
        {
            var v = new Vector<double>(x, i);
            Vector<double> y = name switch
            {
                "sigmoid" => VectorMath.Sigmoid(v),
                "tanh" => VectorMath.Tanh(v),
                "silu" => VectorMath.Silu(v),
                "softsign" => VectorMath.Softsign(v),
                _ => VectorMath.Exp(v),
            };
            for (int l = 0; l < count; l++)
            {
                double exact = name switch
                {
                    "sigmoid" => 1 / (1 + Math.Exp(-x[i + l])),
                    "tanh" => Math.Tanh(x[i + l]),
                    "silu" => x[i + l] / (1 + Math.Exp(-x[i + l])),
                    "softsign" => x[i + l] / (1 + Math.Abs(x[i + l])),
                    _ => Math.Exp(x[i + l]),
                };
                worst = Math.Max(worst, Ulps(y[l], exact));
            }
        }
        output.WriteLine($"{name} double: worst {worst:F2} ulp");
        Assert.True(worst <= 4, $"{name}: {worst:F2} ulp");
    }

    /// <summary>
    /// Every 97th float of either sign from 10⁻⁸ to 20 (tanh) or 88 (sigmoid, whose result
    /// turns subnormal below −87.3): the random grid above may miss where a reduction changes n.
    /// </summary>
    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void Float_WithinAFewUlp_OnADenseGrid(string name)
    {
        int count = Vector<float>.Count;
        var x = new float[count];
        int first = BitConverter.SingleToInt32Bits(1e-8f), last = BitConverter.SingleToInt32Bits(name == "tanh" ? 20f : 88f);
        double worst = 0;
        foreach (float sign in new[] { 1f, -1f })
            for (int bits = first; bits <= last; bits += 97 * count)
            {
                for (int l = 0; l < count; l++)
                    x[l] = sign * BitConverter.Int32BitsToSingle(Math.Min(last, bits + 97 * l));
                var v = new Vector<float>(x);
                Vector<float> y = name == "tanh" ? VectorMath.Tanh(v) : VectorMath.Sigmoid(v);
                for (int l = 0; l < count; l++)
                {
                    double exact = name == "tanh" ? Math.Tanh(x[l]) : 1 / (1 + Math.Exp(-(double)x[l]));
                    if (Math.Abs(exact) < 1.17549435e-38)
                        Assert.True(Math.Abs(y[l] - exact) <= 4 * float.Epsilon, $"{name}({x[l]}) = {y[l]}, expected {exact}");
                    else
                        worst = Math.Max(worst, Ulps(y[l], exact));
                }
            }
        output.WriteLine($"{name} float, dense grid: worst {worst:F2} ulp");
        Assert.True(worst <= 4, $"{name}: {worst:F2} ulp");
    }

    [Fact]
    public void Float_EdgesSaturateAndPropagateNaN()
    {
        float[] x = { -1e30f, -200f, -104f, -100f, -95f, -88f, -20f, 0f, 20f, 44f, 88f, 88.7f, 88.75f, 100f, 1e30f,
            float.NegativeInfinity, float.PositiveInfinity, float.NaN };
        int count = Vector<float>.Count;
        var padded = new float[(x.Length + count - 1) / count * count];
        x.CopyTo(padded, 0);
        for (int i = 0; i < padded.Length; i += count)
        {
            var v = new Vector<float>(padded, i);
            Vector<float> exp = VectorMath.Exp(v), sigmoid = VectorMath.Sigmoid(v), tanh = VectorMath.Tanh(v);
            for (int l = 0; l < count && i + l < x.Length; l++)
            {
                float xi = x[i + l];
                if (float.IsNaN(xi))
                {
                    Assert.True(float.IsNaN(exp[l]) && float.IsNaN(sigmoid[l]) && float.IsNaN(tanh[l]), "NaN in gives NaN out");
                    continue;
                }
                // exp: exactly the correctly rounded value where it is 0, subnormal or ∞; a few ulp elsewhere.
                double exact = Math.Exp(xi);
                if ((float)exact == 0 || float.IsInfinity((float)exact))
                    Assert.Equal((float)exact, exp[l]);
                else if (Math.Abs(exact) >= 1.17549435e-38)
                    Assert.True(Ulps(exp[l], exact) <= 4, $"exp({xi}) = {exp[l]}, expected {exact}");
                else
                    Assert.True(Math.Abs(exp[l] - exact) <= 4 * float.Epsilon, $"exp({xi}) = {exp[l]}, expected {exact}");
                Assert.InRange(sigmoid[l], 0f, 1f);
                Assert.InRange(tanh[l], -1f, 1f);
                if (xi >= 20)
                    Assert.Equal(1f, tanh[l]);
                if (xi <= -20)
                    Assert.Equal(-1f, tanh[l]);
                if (xi >= 20)
                    Assert.Equal(1f, sigmoid[l]);
                if (xi <= -20 && xi >= -80)
                    Assert.True(Ulps(sigmoid[l], 1 / (1 + Math.Exp(-(double)xi))) <= 4, $"sigmoid({xi}) = {sigmoid[l]}");
                // Where the exact value is below 4e-39 (subnormal), the float sigmoid gives 0.
                if (xi <= -88.4f)
                    Assert.Equal(0f, sigmoid[l]);
            }
        }
    }
}
