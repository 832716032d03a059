using System;
using System.Numerics;
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
                _ => VectorMath.Exp(v),
            };
            for (int l = 0; l < count; l++)
            {
                double exact = name switch
                {
                    "sigmoid" => 1 / (1 + Math.Exp(-x[i + l])),
                    "tanh" => Math.Tanh(x[i + l]),
                    _ => Math.Exp(x[i + l]),
                };
                worst = Math.Max(worst, Ulps(y[l], exact));
            }
        }
        output.WriteLine($"{name} double: worst {worst:F2} ulp");
        Assert.True(worst <= 4, $"{name}: {worst:F2} ulp");
    }
}
