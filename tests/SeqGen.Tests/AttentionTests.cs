using System;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Content-based attention: the masked softmax, gradients by finite differences for each score, and bad calls.</summary>
public class AttentionTests
{
    private const int S = 5, B = 3, Q = 4, K = 6, Steps = 3;
    private static readonly int[] Lengths = { 3, 1, 5 };

    /// <summary>Keys and queries as parameters, so a gradient check covers them with the attention's own.</summary>
    private sealed class Probe : Module<double>
    {
        private readonly double[] _weights = new double[Steps * B * K];
        private readonly double[] _context = new double[B * K];

        public Probe(AttentionScore score)
            : base(new[]
            {
                new ParameterInfo("keys", ParameterKind.Matrix, 0, S * B, K, true),
                new ParameterInfo("queries", ParameterKind.Matrix, S * B * K, Steps * B, score == AttentionScore.Dot ? K : Q, true),
            })
        {
            int q = score == AttentionScore.Dot ? K : Q;
            Attention = AddChild("attention", new Attention<double>(q, K, score, attentionSize: 5, seed: 3));
            Workspace = Attention.CreateWorkspace(S, B, Steps);
            var random = new Random(11);
            for (int i = 0; i < Parameters.Length; i++)
                Parameters[i] = random.NextDouble() * 2 - 1;
            for (int i = 0; i < _weights.Length; i++)
                _weights[i] = random.NextDouble() * 2 - 1;
        }

        public Attention<double> Attention { get; }

        public AttentionWorkspace<double> Workspace { get; }

        private int QueryLength => B * Attention.QuerySize;

        public double Forward()
        {
            Attention.SetSources(Workspace, Parameters.AsSpan(0, S * B * K), Lengths, S);
            double loss = 0;
            for (int t = 0; t < Steps; t++)
            {
                Attention.Forward(Workspace, Parameters.AsSpan(S * B * K + t * QueryLength, QueryLength), _context);
                for (int i = 0; i < _context.Length; i++)
                    loss += _weights[t * B * K + i] * _context[i];
            }
            return loss;
        }

        public void Backward()
        {
            for (int t = Steps - 1; t >= 0; t--)
                Attention.Backward(Workspace, _weights.AsSpan(t * B * K, B * K), Gradients.AsSpan(S * B * K + t * QueryLength, QueryLength));
            Attention.BackwardSources(Workspace, Gradients.AsSpan(0, S * B * K));
        }
    }

    [Theory]
    [InlineData(AttentionScore.Additive)]
    [InlineData(AttentionScore.General)]
    [InlineData(AttentionScore.Dot)]
    public void EveryScore_WithPaddedSources_PassesTheGradientCheck(AttentionScore score)
    {
        var probe = new Probe(score);
        GradientCheckReport report = GradientCheck.Run(probe, probe.Forward, probe.Backward);
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxRelativeError < 1e-6, report.ToString());
    }

    [Theory]
    [InlineData(AttentionScore.Additive)]
    [InlineData(AttentionScore.General)]
    [InlineData(AttentionScore.Dot)]
    public void PaddedPositions_GetExactlyZeroWeight_AndZeroGradient(AttentionScore score)
    {
        var probe = new Probe(score);
        // Padding full of huge values must change nothing.
        for (int j = 0; j < S; j++)
        {
            for (int b = 0; b < B; b++)
            {
                if (j >= Lengths[b])
                    probe.Parameters.AsSpan((j * B + b) * K, K).Fill(1e6);
            }
        }
        double loss = probe.Forward();
        Assert.True(double.IsFinite(loss));
        for (int t = 0; t < Steps; t++)
        {
            ReadOnlySpan<double> weights = probe.Attention.Weights(probe.Workspace, t);
            for (int b = 0; b < B; b++)
            {
                double sum = 0;
                for (int j = 0; j < S; j++)
                {
                    if (j >= Lengths[b])
                        Assert.Equal(0.0, weights[b * S + j]);
                    sum += weights[b * S + j];
                }
                Assert.Equal(1.0, sum, 12);
            }
        }
        probe.ZeroGradients();
        probe.Backward();
        for (int j = 0; j < S; j++)
        {
            for (int b = 0; b < B; b++)
            {
                if (j >= Lengths[b])
                    Assert.All(probe.Gradients.AsSpan((j * B + b) * K, K).ToArray(), g => Assert.Equal(0.0, g));
            }
        }
        Assert.Contains(probe.Gradients, g => g != 0);
    }

    [Fact]
    public void BadCalls_SayWhatWasExpected()
    {
        var attention = new Attention<double>(Q, K, seed: 1);
        var ws = attention.CreateWorkspace(S, B, 2);
        var keys = new double[S * B * K];
        var context = new double[B * K];
        Assert.Throws<InvalidOperationException>(() => attention.Forward(ws, new double[B * Q], context));
        Assert.Contains("expected [S = 5, B = 3, K = 6] = 90", Assert.Throws<ArgumentException>(() => attention.SetSources(ws, new double[10], Lengths, S)).Message);
        Assert.Contains("lengths[1] = 0 is not from 1 to the source length 5", Assert.Throws<ArgumentOutOfRangeException>(() => attention.SetSources(ws, keys, new[] { 1, 0, 2 }, S)).Message);
        attention.SetSources(ws, keys, Lengths, S);
        Assert.Contains("query has 5 elements; expected [B, Q] = 12", Assert.Throws<ArgumentException>(() => attention.Forward(ws, new double[5], context)).Message);
        Assert.Throws<InvalidOperationException>(() => attention.Backward(ws, context, new double[B * Q]));
        attention.Forward(ws, new double[B * Q], context);
        attention.Forward(ws, new double[B * Q], context);
        Assert.Throws<InvalidOperationException>(() => attention.Forward(ws, new double[B * Q], context));
        Assert.Throws<InvalidOperationException>(() => attention.BackwardSources(ws, keys));
        Assert.Contains("the query has 4 features and the key 6", Assert.Throws<ArgumentException>(() => new Attention<double>(Q, K, AttentionScore.Dot)).Message);
        Assert.Throws<ArgumentException>(() => new Attention<double>(K, K).Forward(ws, new double[B * K], context));
        Assert.Equal(new[] { "W_a", "U_a", "v_a" }, System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(attention.NamedParameters(), p => p.Name)));
    }
}
