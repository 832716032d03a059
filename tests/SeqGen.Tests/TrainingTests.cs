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

    /// <summary>A parameter long enough for whole vectors and a scalar tail at every Vector&lt;T&gt;.Count.</summary>
    private sealed class Long<T> : Module<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        public Long(int length)
            : base(new[] { new ParameterInfo("w", ParameterKind.Vector, 0, length, 1, true) })
        {
            for (int i = 0; i < length; i++)
            {
                Parameters[i] = T.CreateChecked(Math.Sin(i + 1));
                Gradients[i] = T.CreateChecked(Math.Cos(3 * i) * (i % 5 - 2));
            }
        }
    }

    private static void AdamByTheFormula<T>(Long<T> expected, int steps, bool decoupled, double decay)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T lr = T.CreateChecked(0.01), b1 = T.CreateChecked(0.9), b2 = T.CreateChecked(0.999), eps = T.CreateChecked(1e-8), d = T.CreateChecked(decay);
        var m = new T[expected.Parameters.Length];
        var v = new T[m.Length];
        for (int t = 1; t <= steps; t++)
        {
            T c1 = T.One - T.CreateChecked(Math.Pow(0.9, t)), c2 = T.One - T.CreateChecked(Math.Pow(0.999, t));
            for (int i = 0; i < m.Length; i++)
            {
                T g = expected.Gradients[i];
                if (decoupled)
                    expected.Parameters[i] *= T.One - lr * d;
                else
                    g += d * expected.Parameters[i];
                m[i] = b1 * m[i] + (T.One - b1) * g;
                v[i] = b2 * v[i] + (T.One - b2) * g * g;
                expected.Parameters[i] -= lr * (m[i] / c1) / (T.Sqrt(v[i] / c2) + eps);
            }
        }
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.1)]
    [InlineData(true, 0.1)]
    public void Adam_OverWholeVectorsAndTheTail_IsTheScalarFormula_BitForBit(bool decoupled, double decay)
    {
        foreach (int length in new[] { 3, 37, 64 })
        {
            var floats = new Long<float>(length);
            var expectedFloats = new Long<float>(length);
            var doubles = new Long<double>(length);
            var expectedDoubles = new Long<double>(length);
            Optimizer<float> f = decoupled ? Adam<float>.AdamW(floats, 0.01, weightDecay: decay) : new Adam<float>(floats, 0.01, weightDecay: decay);
            Optimizer<double> d = decoupled ? Adam<double>.AdamW(doubles, 0.01, weightDecay: decay) : new Adam<double>(doubles, 0.01, weightDecay: decay);
            for (int t = 0; t < 3; t++)
            {
                f.Step();
                d.Step();
            }
            AdamByTheFormula(expectedFloats, 3, decoupled, decay);
            AdamByTheFormula(expectedDoubles, 3, decoupled, decay);
            Assert.Equal(expectedFloats.Parameters, floats.Parameters);
            Assert.Equal(expectedDoubles.Parameters, doubles.Parameters);
        }
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.9, false)]
    [InlineData(0.9, true)]
    public void Sgd_OverWholeVectorsAndTheTail_IsTheScalarFormula_BitForBit(double momentum, bool nesterov)
    {
        var floats = new Long<float>(37);
        var expected = new Long<float>(37);
        var sgd = new Sgd<float>(floats, learningRate: 0.1, momentum: momentum, weightDecay: 0.01, nesterov: nesterov);
        float lr = 0.1f, mu = (float)momentum, decay = 0.01f;
        var velocity = new float[37];
        for (int t = 1; t <= 3; t++)
        {
            sgd.Step();
            for (int i = 0; i < 37; i++)
            {
                float g = expected.Gradients[i] + decay * expected.Parameters[i];
                if (momentum > 0)
                {
                    velocity[i] = t == 1 ? g : mu * velocity[i] + g;
                    g = nesterov ? g + mu * velocity[i] : velocity[i];
                }
                expected.Parameters[i] -= lr * g;
            }
        }
        Assert.Equal(expected.Parameters, floats.Parameters);
    }

    [Fact]
    public void Clipping_OverWholeVectorsAndTheTail_MatchesTheScalarFormula()
    {
        var floats = new Long<float>(37);
        double sum = 0;
        foreach (float g in floats.Gradients)
            sum += (double)g * g;
        float[] before = (float[])floats.Gradients.Clone();
        Assert.Equal(Math.Sqrt(sum), GradientClipping.ByGlobalNorm(floats, maxNorm: 0.5), 12);
        float scale = (float)(0.5 / (Math.Sqrt(sum) + 1e-6));
        for (int i = 0; i < before.Length; i++)
            Assert.Equal(before[i] * scale, floats.Gradients[i]);
        var clamped = new Long<double>(37);
        double[] raw = (double[])clamped.Gradients.Clone();
        GradientClipping.ByValue(clamped, 0.7);
        for (int i = 0; i < raw.Length; i++)
            Assert.Equal(Math.Clamp(raw[i], -0.7, 0.7), clamped.Gradients[i]);
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
