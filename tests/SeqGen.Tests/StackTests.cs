using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Numerics;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Stacks, bidirectional layers, dropout, variable lengths and truncation, checked against finite differences.</summary>
public class StackTests
{
    private static List<string> Check(RecurrentStack<double> stack, int steps, int batch, int[]? lengths, bool dropout)
    {
        var random = new Random(77);
        var ws = stack.CreateWorkspace(steps, batch);
        if (lengths is not null)
            ws.SetLengths(lengths);
        TestData.Fill(ws.Input.Slice(0, steps * batch * stack.InputSize), random, 1);
        var finals = new List<double[]>();
        for (int l = 0; l < stack.Layers; l++)
        {
            for (int d = 0; d < stack.Directions; d++)
            {
                for (int s = 0; s < stack.Cell(l, d).StateCount; s++)
                {
                    TestData.Fill(ws.InitialState(l, d, s), random, 0.5);
                    var w = new double[ws.FinalState(l, d, s).Length];
                    TestData.Fill(w, random, 1);
                    finals.Add(w);
                    w.CopyTo(ws.FinalStateGradient(l, d, s));
                }
            }
        }
        var outputWeights = new double[steps * batch * stack.OutputSize];
        TestData.Fill(outputWeights, random, 1);
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < batch; b++)
                if (lengths is not null && t >= lengths[b])
                    Array.Clear(outputWeights, (t * batch + b) * stack.OutputSize, stack.OutputSize);

        if (!dropout)
            stack.Eval();
        ulong masks = stack.DropoutRandom.State;
        double Loss()
        {
            stack.DropoutRandom.State = masks;
            stack.Forward(ws, steps);
            double loss = 0;
            ReadOnlySpan<double> output = ws.Output(steps);
            for (int i = 0; i < output.Length; i++)
                loss += output[i] * outputWeights[i];
            int k = 0;
            for (int l = 0; l < stack.Layers; l++)
                for (int d = 0; d < stack.Directions; d++)
                    for (int s = 0; s < stack.Cell(l, d).StateCount; s++)
                    {
                        ReadOnlySpan<double> final = ws.FinalState(l, d, s);
                        double[] w = finals[k++];
                        for (int i = 0; i < final.Length; i++)
                            loss += final[i] * w[i];
                    }
            return loss;
        }

        Loss();
        outputWeights.CopyTo(ws.OutputGradient(steps));
        stack.ZeroGradients();
        stack.Backward(ws, steps);

        var failures = new List<string>();
        for (int m = 0; m < stack.Layers * stack.Directions; m++)
        {
            RecurrentCellBase<double> module = stack.Cell(m / stack.Directions, m % stack.Directions);
            double[] analytic = (double[])module.Gradients.Clone();
            var numeric = new double[analytic.Length];
            for (int i = 0; i < numeric.Length; i++)
                numeric[i] = Difference(module.Parameters, i, Loss);
            Compare($"cell {m} parameters", analytic, numeric, failures);
        }
        double[] inputAnalytic = ws.InputGradient.Slice(0, steps * batch * stack.InputSize).ToArray();
        var inputNumeric = new double[inputAnalytic.Length];
        double[] inputs = ws.Input.Slice(0, inputAnalytic.Length).ToArray();
        for (int i = 0; i < inputNumeric.Length; i++)
        {
            ws.Input[i] = inputs[i] + 1e-6;
            double plus = Loss();
            ws.Input[i] = inputs[i] - 1e-6;
            double minus = Loss();
            ws.Input[i] = inputs[i];
            inputNumeric[i] = (plus - minus) / 2e-6;
        }
        Compare("input", inputAnalytic, inputNumeric, failures);
        return failures;
    }

    private static double Difference(double[] values, int i, Func<double> loss)
    {
        double saved = values[i];
        values[i] = saved + 1e-6;
        double plus = loss();
        values[i] = saved - 1e-6;
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / 2e-6;
    }

    private static void Compare(string what, double[] a, double[] n, List<string> failures)
    {
        double diff = 0, na = 0, nn = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - n[i]) * (a[i] - n[i]);
            na += a[i] * a[i];
            nn += n[i] * n[i];
        }
        double error = Math.Sqrt(diff) / Math.Max(Math.Sqrt(Math.Max(na, nn)), 1e-12);
        if (!(error < GradientCheck.DefaultTolerance))
            failures.Add($"{what}: relative error {error:E2}");
    }

    private static RecurrentStack<double> Stack(bool bidirectional, double dropout, int layers = 2) =>
        new((layer, direction, size) => new Gru<double>(size, 5, seed: 10 * layer + direction), inputSize: 3, layers, bidirectional, dropout);

    [Fact]
    public void TwoLayers() => Assert.Empty(Check(Stack(false, 0), 5, 2, null, false));

    [Fact]
    public void Bidirectional() => Assert.Empty(Check(Stack(true, 0), 5, 2, null, false));

    [Fact]
    public void BidirectionalWithDropout() => Assert.Empty(Check(Stack(true, 0.3), 5, 2, null, true));

    [Fact]
    public void BidirectionalWithVariableLengths() => Assert.Empty(Check(Stack(true, 0), 6, 3, new[] { 6, 2, 4 }, false));

    [Fact]
    public void Dropout_ActsOnlyInTrainingMode_AndReplaysFromItsSeed()
    {
        var stack = Stack(false, 0.5);
        var ws = stack.CreateWorkspace(3, 1);
        TestData.Fill(ws.Input.Slice(0, 9), new Random(1), 1);
        stack.Eval();
        stack.Forward(ws, 3);
        double[] first = ws.Output(3).ToArray();
        stack.Forward(ws, 3);
        Assert.Equal(first, ws.Output(3).ToArray());
        stack.Train();
        Assert.True(stack.Cell(0, 0).IsTraining);
        ulong masks = stack.DropoutRandom.State;
        stack.Forward(ws, 3);
        double[] dropped = ws.Output(3).ToArray();
        Assert.NotEqual(first, dropped);
        stack.DropoutRandom.State = masks;
        stack.Forward(ws, 3);
        Assert.Equal(dropped, ws.Output(3).ToArray());
    }

    [Fact]
    public void TruncatedBptt_CarriesTheStateAcrossChunks()
    {
        var cell = new Lstm<double>(inputSize: 3, hiddenSize: 4, seed: 3);
        var whole = cell.CreateWorkspace(steps: 8, batch: 2);
        TestData.Fill(whole.Input(0).Slice(0, 8 * 2 * 3), new Random(2), 1);
        cell.Forward(whole, 8);
        var chunk = cell.CreateWorkspace(steps: 4, batch: 2);
        for (int part = 0; part < 2; part++)
        {
            whole.Input(0).Slice(part * 4 * 2 * 3, 4 * 2 * 3).CopyTo(chunk.Input(0));
            cell.Forward(chunk, 4);
            double[] expected = whole.Output(8).Slice(part * 4 * 2 * 4, 4 * 2 * 4).ToArray();
            double[] actual = chunk.Output(4).ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i], 1e-14);
            chunk.CarryStates();
        }
    }

    [Fact]
    public void Stack_RejectsCellsThatDoNotFit()
    {
        var error = Assert.Throws<ArgumentException>(() => new RecurrentStack<double>((l, d, size) => new Gru<double>(3, 5), inputSize: 3, layers: 2));
        Assert.Equal("create", error.ParamName);
        Assert.Contains("input of size 5", error.Message);
    }
}

public class StackStreamTests
{
    [Fact]
    public void StreamingAStack_MatchesItsSequenceForward()
    {
        var stack = new RecurrentStack<double>((l, d, size) => new Lstm<double>(size, 5, seed: l), inputSize: 3, layers: 2);
        var ws = stack.CreateWorkspace(steps: 6, batch: 2);
        TestData.Fill(ws.Input.Slice(0, 6 * 2 * 3), new Random(8), 1);
        stack.Forward(ws, 6);
        var stream = stack.CreateStream(batch: 2);
        for (int t = 0; t < 6; t++)
        {
            ws.Input.Slice(t * 6, 6).CopyTo(stream.Input);
            stack.Step(stream);
            double[] expected = ws.Output(6).Slice(t * 10, 10).ToArray();
            double[] actual = stream.Output.ToArray();
            for (int i = 0; i < 10; i++)
                Assert.Equal(expected[i], actual[i], 1e-12);
        }
        var bidirectional = new RecurrentStack<double>((l, d, size) => new Gru<double>(size, 4), inputSize: 3, layers: 1, bidirectional: true);
        Assert.Throws<InvalidOperationException>(() => bidirectional.CreateStream(1));
    }
}
