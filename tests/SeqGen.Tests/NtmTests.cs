using System;
using System.Linq;
using SeqGen.Modules;

namespace SeqGen.Tests;

/// <summary>The Neural Turing Machine: each addressing stage and the whole machine against finite differences.</summary>
public class NtmTests
{
    private const int Slots = 7, Width = 4;

    private static double Loss(double[] memory, double[] head, double[] previous, double[] weights, double[] cache)
    {
        NtmAddressing.Forward<double>(memory, Width, head, previous, NtmAddressing.Slice<double>(cache, Slots));
        double loss = 0;
        Span<double> w = NtmAddressing.Slice<double>(cache, Slots).Weights;
        for (int i = 0; i < Slots; i++)
            loss += weights[i] * w[i];
        return loss;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Addressing_MatchesFiniteDifferences_IncludingAZeroRowAndSharpening(bool zeroRow)
    {
        var random = new Random(4);
        double[] memory = Fill(random, Slots * Width, 1), head = Fill(random, NtmAddressing.Size(Width), 1.5), previous = new double[Slots], weights = Fill(random, Slots, 1);
        if (zeroRow)
            Array.Clear(memory, 2 * Width, Width);
        double sum = 0;
        for (int i = 0; i < Slots; i++)
            sum += previous[i] = random.NextDouble() + 0.1;
        for (int i = 0; i < Slots; i++)
            previous[i] /= sum;
        var cache = new double[NtmAddressing.CacheSize(Slots)];
        Loss(memory, head, previous, weights, cache);
        double[] dHead = new double[head.Length], dPrevious = new double[Slots], dMemory = new double[memory.Length];
        NtmAddressing.Backward<double>(memory, Slots, Width, head, previous, NtmAddressing.Slice<double>(cache, Slots), weights, dHead, dPrevious, dMemory, new double[3 * Slots]);
        foreach (var (values, analytic, name) in new[] { (head, dHead, "head"), (previous, dPrevious, "previous"), (memory, dMemory, "memory") })
        {
            for (int i = 0; i < values.Length; i++)
            {
                Assert.True(double.IsFinite(analytic[i]), $"{name}[{i}] = {analytic[i]}");
                // The cosine is not smooth at a zero row (any step turns it into a unit vector); its gradient there is only finite.
                if (zeroRow && ReferenceEquals(values, memory) && i / Width == 2)
                    continue;
                double saved = values[i];
                values[i] = saved + 1e-6;
                double plus = Loss(memory, head, previous, weights, cache);
                values[i] = saved - 1e-6;
                double minus = Loss(memory, head, previous, weights, cache);
                values[i] = saved;
                double numeric = (plus - minus) / 2e-6;
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{name}[{i}]: analytic {analytic[i]}, numeric {numeric}");
            }
        }
    }

    // Each stage alone: loss = Σ r ⊙ output over random inputs, every input's gradient against central differences.
    private static void CheckStage(Func<double> loss, Action backward, params (double[] Values, double[] Analytic, string Name)[] inputs)
    {
        foreach (var input in inputs)
            Array.Clear(input.Analytic);
        backward();
        foreach (var (values, analytic, name) in inputs)
        {
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + 1e-6;
                double plus = loss();
                values[i] = saved - 1e-6;
                double minus = loss();
                values[i] = saved;
                double numeric = (plus - minus) / 2e-6;
                Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{name}[{i}]: analytic {analytic[i]}, numeric {numeric}");
            }
        }
    }

    private static double Weighted(double[] r, ReadOnlySpan<double> output)
    {
        double loss = 0;
        for (int i = 0; i < output.Length; i++)
            loss += r[i] * output[i];
        return loss;
    }

    private static double[] Distribution(Random random, int length)
    {
        double[] p = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++)
            sum += p[i] = random.NextDouble() + 0.05;
        for (int i = 0; i < length; i++)
            p[i] /= sum;
        return p;
    }

    [Fact]
    public void ContentAddressing_MatchesFiniteDifferences()
    {
        var random = new Random(11);
        double[] memory = Fill(random, Slots * Width, 1), key = Fill(random, Width, 1), beta = [2.5], r = Fill(random, Slots, 1);
        double[] dMemory = new double[memory.Length], dKey = new double[Width], dBeta = new double[1];
        double[] cosine = new double[Slots], rowNorm = new double[Slots], content = new double[Slots];
        void Forward()
        {
            double keyNorm = Math.Sqrt(key.Sum(k => k * k));
            NtmAddressing.Content<double>(memory, Width, key, keyNorm, beta[0], cosine, rowNorm, content);
        }
        CheckStage(() => { Forward(); return Weighted(r, content); }, () =>
        {
            Forward();
            double keyNorm = Math.Sqrt(key.Sum(k => k * k));
            dBeta[0] = NtmAddressing.ContentBackward<double>(memory, Width, key, keyNorm, beta[0], cosine, rowNorm, content, r, dKey, dMemory);
        }, (memory, dMemory, "memory"), (key, dKey, "key"), (beta, dBeta, "β"));
    }

    [Fact]
    public void Interpolation_MatchesFiniteDifferences()
    {
        var random = new Random(12);
        double[] content = Distribution(random, Slots), previous = Distribution(random, Slots), g = [0.3], r = Fill(random, Slots, 1), gated = new double[Slots];
        double[] dContent = new double[Slots], dPrevious = new double[Slots], dG = new double[1];
        CheckStage(() => { NtmAddressing.Interpolate<double>(content, previous, g[0], gated); return Weighted(r, gated); },
            () => dG[0] = NtmAddressing.InterpolateBackward<double>(content, previous, g[0], r, dContent, dPrevious),
            (content, dContent, "content"), (previous, dPrevious, "previous"), (g, dG, "g"));
    }

    [Fact]
    public void CircularShift_MatchesFiniteDifferences()
    {
        var random = new Random(13);
        double[] gated = Distribution(random, Slots), shift = Distribution(random, 3), r = Fill(random, Slots, 1), shifted = new double[Slots];
        double[] dGated = new double[Slots], dShift = new double[3];
        CheckStage(() => { NtmAddressing.Shift<double>(gated, shift, shifted); return Weighted(r, shifted); },
            () => NtmAddressing.ShiftBackward<double>(gated, shift, r, dGated, dShift),
            (gated, dGated, "gated"), (shift, dShift, "shift"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sharpening_MatchesFiniteDifferences_AndIgnoresZeroWeights(bool withZero)
    {
        var random = new Random(14);
        double[] shifted = Distribution(random, Slots), gamma = [2.7], r = Fill(random, Slots, 1), weights = new double[Slots];
        if (withZero)
            shifted[3] = 0;
        double[] dShifted = new double[Slots], dGamma = new double[1];
        // At w̃ = 0 the one-sided difference of w̃^γ (γ > 1) is 0, as the backward gives.
        CheckStage(() => { NtmAddressing.Sharpen<double>(shifted, gamma[0], weights); return Weighted(r, weights); }, () =>
        {
            NtmAddressing.Sharpen<double>(shifted, gamma[0], weights);
            dGamma[0] = NtmAddressing.SharpenBackward<double>(shifted, gamma[0], weights, r, dShifted);
        }, (gamma, dGamma, "γ"), (shifted, dShifted, "shifted"));
    }

    [Fact]
    public void Addressing_IsFinite_WhereTheReferencesGiveNaN()
    {
        // A zero key, zero memory, huge logits: cosine 0, softmaxes shifted, w^γ at w = 0.
        double[] memory = new double[Slots * Width], head = new double[NtmAddressing.Size(Width)], previous = new double[Slots];
        head[Width] = 800;          // β̂: exp would overflow
        head[Width + 2] = 900;      // ŝ
        head[Width + 5] = 700;      // γ̂
        previous[3] = 1;
        var cache = new double[NtmAddressing.CacheSize(Slots)];
        NtmAddressing.Forward<double>(memory, Width, head, previous, NtmAddressing.Slice<double>(cache, Slots));
        Span<double> w = NtmAddressing.Slice<double>(cache, Slots).Weights;
        double total = 0;
        foreach (double v in w)
        {
            Assert.True(double.IsFinite(v));
            total += v;
        }
        Assert.Equal(1.0, total, 12);
        var dHead = new double[head.Length];
        NtmAddressing.Backward<double>(memory, Slots, Width, head, previous, NtmAddressing.Slice<double>(cache, Slots), Fill(new Random(1), Slots, 1), dHead, new double[Slots], new double[memory.Length], new double[3 * Slots]);
        Assert.All(dHead, g => Assert.True(double.IsFinite(g)));
    }

    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(2, 2, 2, false)]
    [InlineData(1, 2, 2, true)]
    public void WholeMachine_OverSeveralSteps_PassesTheGradientCheck(int readHeads, int writeHeads, int batch, bool feedForward)
    {
        const int inputSize = 3, outputSize = 2, steps = 4, slots = 6, width = 3;
        SeqGen.Model.RecurrentCellBase<double> controller = feedForward
            ? new SeqGen.Cells.FeedForwardController<double>(inputSize + readHeads * width, 5, seed: 2)
            : new SeqGen.Cells.Lstm<double>(inputSize + readHeads * width, 5, seed: 2);
        var ntm = new NeuralTuringMachine<double>(controller, inputSize, outputSize, slots, width, readHeads, writeHeads, seed: 3);
        // Start the learned parts away from their symmetric initial values.
        var random = new Random(8);
        Span<double> own = ntm.Parameters;
        for (int i = 0; i < own.Length; i++)
            own[i] = (random.NextDouble() * 2 - 1) * 0.5;
        var ws = ntm.CreateWorkspace(steps, batch);
        double[] input = Fill(random, steps * batch * inputSize, 1), weights = Fill(random, steps * batch * outputSize, 1);
        input.CopyTo(ws.Input);
        double Forward()
        {
            ntm.Forward(ws, steps);
            double loss = 0;
            ReadOnlySpan<double> logits = ws.Logits;
            for (int i = 0; i < logits.Length; i++)
                loss += weights[i] * logits[i];
            return loss;
        }
        void Backward()
        {
            weights.CopyTo(ws.LogitGradient);
            ntm.Backward(ws);
        }
        SeqGen.Training.GradientCheckReport report = SeqGen.Training.GradientCheck.Run(ntm, Forward, Backward);
        Assert.True(report.Passed, report.ToString());
    }

    internal static double[] Fill(Random random, int length, double scale)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
            values[i] = (random.NextDouble() * 2 - 1) * scale;
        return values;
    }
}

/// <summary>Measures allocations, so it runs alone (see <see cref="SequenceModelAllocationTests"/>).</summary>
[Collection(nameof(ThreadedAllocationTests))]
public class NtmAllocationTests
{
    [Fact]
    public void TrainingSteps_AllocateNothingAfterWarmUp()
    {
        var ntm = new NeuralTuringMachine<float>(new SeqGen.Cells.Lstm(5 + 4, 8, seed: 1), 5, 4, memorySlots: 10, memoryWidth: 4, seed: 2);
        var optimizer = new SeqGen.Training.RmsProp<float>(ntm, learningRate: 1e-4, alpha: 0.95, momentum: 0.9);
        var ws = ntm.CreateWorkspace(7, 2);
        for (int i = 0; i < ws.Input.Length; i++)
            ws.Input[i] = i % 3;
        void Step(int steps)
        {
            ntm.Forward(ws, steps);
            ws.LogitGradient.Fill(0.1f);
            ntm.ZeroGradients();
            ntm.Backward(ws);
            SeqGen.Training.GradientClipping.ByValue(ntm, 10);
            optimizer.Step();
        }
        Step(7);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            Step(3 + i % 5);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
