using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Cells driven one step at a time run the sequence pass's tape and code, forward and backward.</summary>
public class StepByStepTests
{
    public static IEnumerable<object[]> Cells()
    {
        foreach (int batch in new[] { 2, 5 })
        {
            yield return new object[] { new Lstm<double>(3, 7, seed: 1), batch, false };
            yield return new object[] { new Gru<double>(3, 7, seed: 1), batch, true };
            yield return new object[] { new ChoGru<double>(3, 7, seed: 1), batch, false };
            yield return new object[] { new LagThreeRnn<double>(3, 7, seed: 1), batch, true };
            yield return new object[] { new ProjectionLstm<double>(hiddenSize: 7, pSize: 4, inputSize: 3, seed: 1), batch, false };
            yield return new object[] { new TwoInputRnn<double>(hiddenSize: 7, xSize: 3, ctxSize: 2, seed: 1), batch, true };
            yield return new object[] { new EveryFunctionRnn<double>(3, 7, seed: 1), batch, false };
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void StepByStep_EqualsTheSequencePass(RecurrentCellBase<double> cell, int batch, bool padded)
    {
        const int steps = 6;
        var random = new Random(3);
        SequenceWorkspace<double> sequence = cell.CreateWorkspace(steps, batch), stepped = cell.CreateWorkspace(steps, batch);
        int[]? lengths = padded ? new[] { 6, 2, 4, 1, 5 }[..batch] : null;
        foreach (SequenceWorkspace<double> ws in new[] { sequence, stepped })
        {
            if (lengths is not null)
                ws.SetLengths(lengths);
        }
        for (int i = 0; i < cell.InputCount; i++)
        {
            TestData.Fill(sequence.Input(i), random, 1);
            sequence.Input(i).CopyTo(stepped.Input(i));
        }
        for (int s = 0; s < cell.StateCount; s++)
        {
            TestData.Fill(sequence.InitialState(s), random, 0.5);
            sequence.InitialState(s).CopyTo(stepped.InitialState(s));
            TestData.Fill(sequence.FinalStateGradient(s), random, 1);
            sequence.FinalStateGradient(s).CopyTo(stepped.FinalStateGradient(s));
        }
        TestData.Fill(sequence.OutputGradient(steps), random, 1);

        cell.Forward(sequence, steps);
        cell.ZeroGradients();
        cell.Backward(sequence, steps);
        double[] gradients = (double[])cell.Gradients.Clone();

        cell.BeginSteps(stepped);
        for (int t = 0; t < steps; t++)
        {
            Assert.Equal(t, cell.StepForward(stepped));
            Near(sequence.StepOutput(t), stepped.StepOutput(t), $"output {t}");
        }
        for (int s = 0; s < cell.StateCount; s++)
            Near(sequence.FinalState(s), stepped.FinalState(s), $"final {s}");
        cell.ZeroGradients();
        for (int t = steps - 1; t >= 0; t--)
        {
            // The gradient of a step's output arrives just before that step goes back.
            sequence.StepOutputGradient(t).CopyTo(stepped.StepOutputGradient(t));
            Assert.Equal(t, cell.StepBackward(stepped));
            for (int i = 0; i < cell.InputCount; i++)
                Near(sequence.StepInputGradient(i, t), stepped.StepInputGradient(i, t), $"input {i} gradient at {t}");
        }
        Near(gradients, cell.Gradients, "parameter gradients");
        for (int s = 0; s < cell.StateCount; s++)
            Near(sequence.InitialStateGradient(s), stepped.InitialStateGradient(s), $"initial {s} gradient");
        Assert.Contains("back-propagated", Assert.Throws<InvalidOperationException>(() => cell.StepBackward(stepped)).Message);
        Assert.Contains("BeginSteps", Assert.Throws<InvalidOperationException>(() => cell.StepForward(stepped)).Message);
    }

    [Fact]
    public void StepsBeyondTheWorkspace_AndBackwardFirst_Throw()
    {
        var cell = new Gru<float>(2, 3);
        var ws = cell.CreateWorkspace(steps: 2, batch: 1);
        cell.BeginSteps(ws);
        Assert.Contains("call StepForward first", Assert.Throws<InvalidOperationException>(() => cell.StepBackward(ws)).Message);
        cell.StepForward(ws);
        cell.StepForward(ws);
        Assert.Throws<InvalidOperationException>(() => cell.StepForward(ws));
        Assert.Throws<ArgumentOutOfRangeException>(() => ws.StepOutput(2));
    }

    [Fact]
    public void ALoopFeedingEachOutputBackAsTheNextInput_PassesTheGradientCheck()
    {
        // x_0 is given; x_t = Linear(h_{t-1}); loss = Σ_t w_t · h_t. A decoder's shape of loop.
        const int steps = 5, batch = 2, hidden = 4, input = 3;
        var cell = new Lstm<double>(input, hidden, seed: 2);
        var feedback = new Linear<double>(hidden, input, seed: 3);
        var model = new ModuleDict<double> { ["cell"] = cell, ["feedback"] = feedback };
        SequenceWorkspace<double> ws = cell.CreateWorkspace(steps, batch);
        var random = new Random(4);
        double[] firstInput = new double[batch * input], weights = new double[steps * batch * hidden];
        TestData.Fill(firstInput, random, 1);
        TestData.Fill(weights, random, 1);
        var feedbackGradient = new double[batch * hidden];

        double Forward()
        {
            cell.BeginSteps(ws);
            firstInput.CopyTo(ws.StepInput(0, 0));
            double loss = 0;
            for (int t = 0; t < steps; t++)
            {
                cell.StepForward(ws);
                ReadOnlySpan<double> h = ws.StepOutput(t);
                for (int i = 0; i < h.Length; i++)
                    loss += weights[t * batch * hidden + i] * h[i];
                if (t + 1 < steps)
                    feedback.Forward(h, ws.StepInput(0, t + 1), batch);
            }
            return loss;
        }

        void Backward()
        {
            for (int t = steps - 1; t >= 0; t--)
            {
                Span<double> dh = ws.StepOutputGradient(t);
                weights.AsSpan(t * batch * hidden, batch * hidden).CopyTo(dh);
                if (t + 1 < steps)
                {
                    // x_{t+1} = Linear(h_t): its gradient, ready since step t+1 went back, reaches h_t.
                    feedback.Backward(ws.StepOutput(t), ws.StepInputGradient(0, t + 1), feedbackGradient, batch);
                    for (int i = 0; i < dh.Length; i++)
                        dh[i] += feedbackGradient[i];
                }
                cell.StepBackward(ws);
            }
        }

        GradientCheckReport report = GradientCheck.Run(model, Forward, Backward);
        Assert.True(report.Passed, report.ToString());
    }

    private static void Near(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}]: sequence {expected[i]:R}, step by step {actual[i]:R}");
        }
    }
}

/// <summary>Measures allocations, so it runs alone (see <see cref="SequenceModelAllocationTests"/>).</summary>
[Collection(nameof(ThreadedAllocationTests))]
public class StepByStepAllocationTests
{
    [Fact]
    public void SteppingAllocatesNothing()
    {
        var cell = new Lstm<float>(4, 8, seed: 1);
        var ws = cell.CreateWorkspace(steps: 10, batch: 4);
        void Pass()
        {
            cell.BeginSteps(ws);
            for (int t = 0; t < 10; t++)
                cell.StepForward(ws);
            for (int t = 9; t >= 0; t--)
            {
                ws.StepOutputGradient(t).Fill(0.1f);
                cell.StepBackward(ws);
            }
        }
        Pass();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
            Pass();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Workspaces and streams name their views after the cell's inputs and states, sized to the steps in use.</summary>
public class NamedViewTests
{
    [Fact]
    public void WorkspaceViews_AreTheNamedBuffers_SizedToTheStepsInUse()
    {
        var cell = new Lstm<double>(3, 4, seed: 1);
        var ws = cell.CreateWorkspace(steps: 6, batch: 2);
        Assert.Equal(6 * 2 * 3, ws.x.Length);
        ws.Steps = 4;
        Assert.Equal(4 * 2 * 3, ws.x.Length);
        TestData.Fill(ws.x, new Random(1), 1);
        TestData.Fill(ws.c_initial, new Random(2), 0.5);
        cell.Forward(ws, 4);
        Assert.Equal(ws.Output(4).ToArray(), ws.h.ToArray());
        Assert.Equal(ws.FinalState(1).ToArray(), ws.h_final.ToArray());
        Assert.Equal(ws.FinalState(0).ToArray(), ws.c_final.ToArray());
        Assert.Equal(ws.InitialState(0).ToArray(), ws.c_initial.ToArray());
        Assert.Equal(4 * 2 * 4, ws.c.Length);
        ws.dh.Fill(1);
        cell.Backward(ws, 4);
        Assert.Equal(ws.InputGradient(0).Slice(0, 4 * 2 * 3).ToArray(), ws.dx.ToArray());
        Assert.Equal(ws.InitialStateGradient(1).ToArray(), ws.dh_initial.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ws.Steps = 7);
    }

    [Fact]
    public void StreamViews_AreTheNextInputAndTheCurrentStates()
    {
        var cell = new Lstm<double>(3, 4, seed: 1);
        var stream = cell.CreateStream(batch: 2);
        stream.x.Fill(0.5);
        cell.Step(stream);
        Assert.Equal(stream.Output.ToArray(), stream.h.ToArray());
        Assert.Equal(stream.State(0).ToArray(), stream.c.ToArray());
        Assert.Equal(2 * 3, stream.x.Length);
    }
}
