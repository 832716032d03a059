using System;
using SeqGen.Cells;
using SeqGen.Model;

namespace SeqGen.Tests;

/// <summary>Once the workspace exists, training steps allocate nothing on the heap.</summary>
public class AllocationTests
{
    private static void TrainStep(RecurrentCellBase<float> cell, SequenceWorkspace<float> ws, int steps)
    {
        cell.Forward(ws, steps);
        Span<float> output = ws.Output(steps);
        Span<float> gradient = ws.OutputGradient(steps);
        for (int i = 0; i < output.Length; i++)
            gradient[i] = 2f * output[i] / output.Length; // mean of squares, pulling outputs to 0
        cell.ZeroGradients();
        cell.Backward(ws, steps);
        float[] p = cell.Parameters, g = cell.Gradients;
        for (int i = 0; i < p.Length; i++)
            p[i] -= 0.01f * g[i];
    }

    [Theory]
    [InlineData("Lstm")]
    [InlineData("Gru")]
    [InlineData("EveryFunctionRnn")]
    [InlineData("SkipRnn")]
    public void HundredTrainingSteps_AllocateZeroBytes(string name)
    {
        var cell = CellBehaviourTests.Create<float>(name, 7, 19, seed: 3);
        var ws = cell.CreateWorkspace(steps: 12, batch: 3);
        for (int i = 0; i < 12 * 3 * 7; i++)
            ws.Input(0)[i] = (float)Math.Sin(i);
        for (int warmUp = 0; warmUp < 3; warmUp++)
            TrainStep(cell, ws, 12);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 100; step++)
            TrainStep(cell, ws, 12);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StreamingSteps_AllocateZeroBytes()
    {
        var cell = new Lstm<float>(inputSize: 8, hiddenSize: 32);
        var stream = cell.CreateStream(batch: 1);
        var x = new float[8];
        for (int warmUp = 0; warmUp < 3; warmUp++)
            cell.Step(stream, x);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 100; step++)
            cell.Step(stream, x);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RecursiveForwardAndBackward_AllocateZeroBytes()
    {
        var cell = new TreeRnn<float>(hiddenSize: 16);
        var ws = cell.CreateWorkspace(nodes: 5);
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            cell.Forward(ws, 5);
            cell.Backward(ws, 5);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 100; step++)
        {
            cell.Forward(ws, 5);
            cell.Backward(ws, 5);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
