using System;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Once the workspace exists, training steps allocate nothing on the heap.</summary>
[Collection(nameof(ThreadedAllocationTests))]
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

    [Fact]
    public void WholeTrainingLoop_AllocatesNothing()
    {
        var cell = new Lstm<float>(inputSize: 6, hiddenSize: 24, seed: 1);
        var head = new Linear<float>(inputs: 24, outputs: 5, seed: 2);
        var modules = new ModuleDict<float> { ["cell"] = cell, ["head"] = head };
        var adam = new Adam<float>(modules, learningRate: 1e-3);
        var ws = cell.CreateWorkspace(steps: 10, batch: 4);
        var logits = new float[10 * 4 * 5];
        var dLogits = new float[logits.Length];
        var targets = new int[40];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = i % 5;
        for (int i = 0; i < 10 * 4 * 6; i++)
            ws.Input(0)[i] = MathF.Sin(i);

        void Step()
        {
            cell.Forward(ws, 10);
            head.Forward(ws.Output(10), logits, 40);
            Losses.SoftmaxCrossEntropy<float>(logits, targets, 5, dLogits);
            adam.ZeroGradients();
            head.Backward(ws.Output(10), dLogits, ws.OutputGradient(10), 40);
            cell.Backward(ws, 10);
            GradientClipping.ByGlobalNorm(modules, 1.0);
            adam.Step();
        }
        for (int i = 0; i < 3; i++)
            Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
