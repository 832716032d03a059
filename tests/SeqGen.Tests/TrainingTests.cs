using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Optimizers against steps computed by hand (PyTorch's formulas), clipping as PyTorch's, losses, layers.</summary>
public class TrainingTests
{
    /// <summary>Two trainable parameters and a frozen one, with gradients set by the test.</summary>
    private sealed class Toy : Module<double>
    {
        public Toy()
            : base(new[]
            {
                new ParameterInfo("w", ParameterKind.Vector, 0, 2, 1, true),
                new ParameterInfo("frozen", ParameterKind.Scalar, 2, 1, 1, false),
            })
        {
            new double[] { 1.0, -2.0, 5.0 }.CopyTo(Parameters, 0);
            new double[] { 0.5, -1.0, 3.0 }.CopyTo(Gradients, 0);
        }
    }

    private const double Tolerance = 1e-12;

    [Fact]
    public void Sgd_Plain_WeightDecay()
    {
        var toy = new Toy();
        new Sgd<double>(toy, learningRate: 0.1, weightDecay: 0.01).Step();
        Assert.Equal(1.0 - 0.1 * (0.5 + 0.01 * 1.0), toy.Parameters[0], Tolerance);
        Assert.Equal(-2.0 - 0.1 * (-1.0 + 0.01 * -2.0), toy.Parameters[1], Tolerance);
        Assert.Equal(5.0, toy.Parameters[2]);
    }

    [Fact]
    public void Sgd_Momentum_And_Nesterov_TwoSteps()
    {
        var heavy = new Toy();
        var sgd = new Sgd<double>(heavy, learningRate: 0.1, momentum: 0.9);
        sgd.Step();                      // buf = g = 0.5; p = 1 - 0.05
        sgd.Step();                      // buf = 0.9*0.5 + 0.5 = 0.95; p = 0.95 - 0.095
        Assert.Equal(1.0 - 0.05 - 0.095, heavy.Parameters[0], Tolerance);

        var nesterov = new Toy();
        var nag = new Sgd<double>(nesterov, learningRate: 0.1, momentum: 0.9, nesterov: true);
        nag.Step();                      // buf = 0.5; step g + 0.9*buf = 0.95
        nag.Step();                      // buf = 0.95; step 0.5 + 0.855 = 1.355
        Assert.Equal(1.0 - 0.095 - 0.1355, nesterov.Parameters[0], Tolerance);
    }

    [Fact]
    public void Adam_TwoSteps_MatchTheFormula()
    {
        var toy = new Toy();
        var adam = new Adam<double>(toy, learningRate: 0.01);
        double p = 1.0, g = 0.5, m = 0, v = 0;
        for (int t = 1; t <= 2; t++)
        {
            adam.Step();
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            p -= 0.01 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v / (1 - Math.Pow(0.999, t))) + 1e-8);
        }
        Assert.Equal(p, toy.Parameters[0], Tolerance);
        Assert.Equal(5.0, toy.Parameters[2]);
    }

    [Fact]
    public void AdamW_DecaysTheWeightsDirectly()
    {
        var toy = new Toy();
        Adam<double>.AdamW(toy, learningRate: 0.01, weightDecay: 0.1).Step();
        // First step: m̂ = g, v̂ = g², so the Adam part is lr * g / (|g| + eps).
        double expected = 1.0 * (1 - 0.01 * 0.1) - 0.01 * 0.5 / (0.5 + 1e-8);
        Assert.Equal(expected, toy.Parameters[0], Tolerance);
    }

    [Fact]
    public void RmsProp_Plain_And_CentredWithMomentum()
    {
        var plain = new Toy();
        new RmsProp<double>(plain, learningRate: 0.01).Step();
        double v = 0.01 * 0.25;
        Assert.Equal(1.0 - 0.01 * 0.5 / (Math.Sqrt(v) + 1e-8), plain.Parameters[0], Tolerance);

        var centred = new Toy();
        var rms = new RmsProp<double>(centred, learningRate: 0.01, momentum: 0.5, centered: true);
        rms.Step();
        rms.Step();
        double p = 1.0, sq = 0, mean = 0, buf = 0, g = 0.5;
        for (int t = 0; t < 2; t++)
        {
            sq = 0.99 * sq + 0.01 * g * g;
            mean = 0.99 * mean + 0.01 * g;
            buf = 0.5 * buf + g / (Math.Sqrt(sq - mean * mean) + 1e-8);
            p -= 0.01 * buf;
        }
        Assert.Equal(p, centred.Parameters[0], Tolerance);
    }

    [Fact]
    public void ClipByGlobalNorm_ReturnsTheNormBefore_AndScalesAsPyTorch()
    {
        var toy = new Toy();
        double norm = GradientClipping.ByGlobalNorm(toy, maxNorm: 0.5);
        Assert.Equal(Math.Sqrt(0.25 + 1.0), norm, Tolerance);   // the frozen gradient does not count
        double scale = 0.5 / (norm + 1e-6);
        Assert.Equal(0.5 * scale, toy.Gradients[0], Tolerance);
        Assert.Equal(3.0, toy.Gradients[2]);

        var small = new Toy();
        GradientClipping.ByGlobalNorm(small, maxNorm: 10);
        Assert.Equal(0.5, small.Gradients[0]);
    }

    [Fact]
    public void ClipByGlobalNorm_NonFinite()
    {
        var toy = new Toy();
        toy.Gradients[1] = double.NaN;
        Assert.Throws<ArithmeticException>(() => GradientClipping.ByGlobalNorm(toy, 1.0, errorIfNonFinite: true));
        Assert.Equal(0.5, toy.Gradients[0]);
        Assert.True(double.IsNaN(GradientClipping.ByGlobalNorm(toy, 1.0)));
    }

    [Fact]
    public void ClipByValue_Clamps()
    {
        var toy = new Toy();
        GradientClipping.ByValue(toy, 0.6);
        Assert.Equal(new[] { 0.5, -0.6, 3.0 }, toy.Gradients);
    }

    [Fact]
    public void SoftmaxCrossEntropy_ValueAndGradient()
    {
        double[] logits = { 1, 2, 3, -1, 0, 4 };
        int[] targets = { 2, 0 };
        var gradient = new double[6];
        double loss = Losses.SoftmaxCrossEntropy<double>(logits, targets, 3, gradient);
        double l0 = -Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        double l1 = -Math.Log(Math.Exp(-1) / (Math.Exp(-1) + Math.Exp(0) + Math.Exp(4)));
        Assert.Equal((l0 + l1) / 2, loss, Tolerance);
        CheckGradient(x => Losses.SoftmaxCrossEntropy<double>(x, targets, 3, new double[6]), logits, gradient);

        int[] ignoring = { 2, -100 };
        double onlyFirst = Losses.SoftmaxCrossEntropy<double>(logits, ignoring, 3, gradient);
        Assert.Equal(l0, onlyFirst, Tolerance);
        Assert.Equal(0.0, gradient[4]);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy<double>(logits, new[] { 3, 0 }, 3, gradient));
        Assert.Equal("targets", bad.ParamName);
        var shape = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy<double>(logits, new[] { 1 }, 3, gradient));
        Assert.Equal("logits", shape.ParamName);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_AndMeanSquaredError()
    {
        double[] x = { -15, -0.5, 0.2, 15 }, y = { 0, 1, 0.3, 1 };
        var gradient = new double[4];
        double loss = Losses.SigmoidBinaryCrossEntropy<double>(x, y, gradient);
        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            double s = 1 / (1 + Math.Exp(-x[i]));
            expected += -(y[i] * Math.Log(s) + (1 - y[i]) * Math.Log(1 - s));
        }
        Assert.Equal(expected / 4, loss, 1e-9);
        CheckGradient(v => Losses.SigmoidBinaryCrossEntropy<double>(v, y, new double[4]), x, gradient);

        double mse = Losses.MeanSquaredError<double>(new double[] { 1, 2 }, new double[] { 0, 4 }, gradient.AsSpan(0, 2));
        Assert.Equal(2.5, mse, Tolerance);
        Assert.Equal(new[] { 1.0, -2.0 }, gradient.AsSpan(0, 2).ToArray());
    }

    [Fact]
    public void Linear_GradientsMatchFiniteDifferences_AndEmbeddingAccumulates()
    {
        var linear = new Linear<double>(inputs: 5, outputs: 3, seed: 2);
        var random = new Random(3);
        var x = new double[4 * 5];
        TestData.Fill(x, random, 1);
        var weights = new double[4 * 3];
        TestData.Fill(weights, random, 1);
        var y = new double[12];
        double Loss(double[] input)
        {
            linear.Forward(input, y, 4);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
                sum += y[i] * weights[i];
            return sum;
        }
        var dx = new double[20];
        linear.Backward(x, weights, dx, 4);
        CheckGradient(Loss, x, dx);
        double[] analytic = (double[])linear.Gradients.Clone();
        var numeric = new double[analytic.Length];
        for (int k = 0; k < numeric.Length; k++)
        {
            double saved = linear.Parameters[k];
            linear.Parameters[k] = saved + 1e-6;
            double plus = Loss(x);
            linear.Parameters[k] = saved - 1e-6;
            double minus = Loss(x);
            linear.Parameters[k] = saved;
            numeric[k] = (plus - minus) / 2e-6;
        }
        for (int k = 0; k < numeric.Length; k++)
            Assert.Equal(numeric[k], analytic[k], 1e-8);

        var embedding = new Embedding<double>(count: 4, dimension: 2);
        int[] ids = { 1, 3, 1 };
        var rows = new double[6];
        embedding.Forward(ids, rows);
        Assert.Equal(embedding.Parameters[2], rows[0]);
        embedding.Backward(ids, new double[] { 1, 1, 2, 2, 3, 3 });
        Assert.Equal(new[] { 0.0, 0, 4, 4, 0, 0, 2, 2 }, embedding.Gradients);
        Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward(new[] { 4 }, new double[2]));
    }

    private static void CheckGradient(Func<double[], double> loss, double[] x, double[] gradient)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + 1e-6;
            double plus = loss(x);
            x[i] = saved - 1e-6;
            double minus = loss(x);
            x[i] = saved;
            Assert.Equal((plus - minus) / 2e-6, gradient[i], 1e-7);
        }
    }
}
