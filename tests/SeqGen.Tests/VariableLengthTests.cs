using System;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Batches of sequences of different lengths: padded steps change no state and take no gradient.</summary>
public class VariableLengthTests
{
    [Theory]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    [InlineData("SkipRnn")]
    public void GradientsMatchFiniteDifferences(string name) =>
        Assert.Empty(GradientCheck.Run(CellBehaviourTests.Create<double>(name, 4, 7, seed: 3), steps: 7, batch: 3, lengths: new[] { 7, 3, 5 }).Failures);

    [Fact]
    public void EachSequence_MatchesItsOwnUnpaddedRun()
    {
        var cell = new Gru<double>(inputSize: 3, hiddenSize: 5, seed: 2);
        int[] lengths = { 6, 2, 4 };
        var ws = cell.CreateWorkspace(steps: 6, batch: 3);
        var random = new Random(5);
        TestData.Fill(ws.Input(0), random, 1);
        TestData.Fill(ws.InitialState(0), random, 0.5);
        ws.SetLengths(lengths);
        cell.Forward(ws, 6);
        for (int b = 0; b < 3; b++)
        {
            var alone = cell.CreateWorkspace(steps: lengths[b], batch: 1);
            for (int t = 0; t < lengths[b]; t++)
                ws.Input(0).Slice((t * 3 + b) * 3, 3).CopyTo(alone.Input(0).Slice(t * 3, 3));
            ws.InitialState(0).Slice(b * 5, 5).CopyTo(alone.InitialState(0));
            cell.Forward(alone, lengths[b]);
            Assert.Equal(alone.FinalState(0).ToArray(), ws.FinalState(0).Slice(b * 5, 5).ToArray());
            for (int t = 0; t < lengths[b]; t++)
                Assert.Equal(alone.Output(lengths[b]).Slice(t * 5, 5).ToArray(), ws.Output(6).Slice((t * 3 + b) * 5, 5).ToArray());
        }
    }

    [Fact]
    public void Lengths_AreChecked()
    {
        var ws = new Lstm<float>(inputSize: 2, hiddenSize: 3).CreateWorkspace(steps: 4, batch: 2);
        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => ws.SetLengths(new[] { 1 })).ParamName);
        Assert.Equal("lengths", Assert.Throws<ArgumentOutOfRangeException>(() => ws.SetLengths(new[] { 1, 5 })).ParamName);
        ws.SetLengths(new[] { 4, 0 });
        ws.SetLengths(ReadOnlySpan<int>.Empty);
        Assert.True(ws.Lengths.IsEmpty);
    }
}

public class StateGradientTests
{
    [Fact]
    public void StateGradient_IsTheGradientOfTheLossWithRespectToEachStepsState()
    {
        // With the loss on the last output only, dL/dh of the last step is that output gradient,
        // and dL/dh of step -1 is the initial-state gradient.
        var cell = new SeqGen.Cells.Gru<double>(inputSize: 2, hiddenSize: 3, seed: 1);
        var ws = cell.CreateWorkspace(steps: 4, batch: 2);
        TestData.Fill(ws.Input(0), new System.Random(1), 1);
        cell.Forward(ws, 4);
        var dOut = ws.OutputGradient(4);
        dOut.Clear();
        for (int i = 0; i < 6; i++)
            dOut[3 * 6 + i] = i + 1;
        cell.Backward(ws, 4);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, ws.StateGradient(0, 3).ToArray());
        Assert.Equal(ws.InitialStateGradient(0).ToArray(), ws.StateGradient(0, -1).ToArray());
        Assert.NotEqual(0, ws.StateGradient(0, 1)[0]);
    }
}
