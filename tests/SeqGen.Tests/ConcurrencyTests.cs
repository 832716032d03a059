using System;
using System.Threading;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>
/// One trained model shared by several threads, each streaming its own state: every thread's
/// outputs are bit for bit those of a serial run (the model's weights are only read; all that a
/// stream writes lives in its own state).
/// </summary>
[Collection(nameof(ThreadedAllocationTests))]
public class ConcurrencyTests
{
    private const int Threads = 8, Steps = 300, Hidden = 48, Inputs = 5;

    private static float[] RandomInputs(int thread, int batch)
    {
        var random = new Random(100 + thread);
        var x = new float[Steps * batch * Inputs];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    private static float[] StreamCell(RecurrentCellBase<float> cell, float[] x, int batch)
    {
        StreamState<float> stream = cell.CreateStream(batch);
        var outputs = new float[Steps * batch * Hidden];
        for (int t = 0; t < Steps; t++)
        {
            x.AsSpan(t * batch * Inputs, batch * Inputs).CopyTo(stream.Input(0));
            cell.Step(stream);
            stream.Output.CopyTo(outputs.AsSpan(t * batch * Hidden, batch * Hidden));
        }
        return outputs;
    }

    private static float[] StreamStack(RecurrentStack<float> stack, float[] x, int batch)
    {
        StackStream<float> stream = stack.CreateStream(batch);
        var outputs = new float[Steps * batch * Hidden];
        for (int t = 0; t < Steps; t++)
        {
            x.AsSpan(t * batch * Inputs, batch * Inputs).CopyTo(stream.Input);
            stack.Step(stream);
            stream.Output.CopyTo(outputs.AsSpan(t * batch * Hidden, batch * Hidden));
        }
        return outputs;
    }

    private static void AssertSameAsSerial(Func<float[], int, float[]> run)
    {
        // Threads stream batches of different sizes, so they take different product paths at once.
        int Batch(int thread) => 1 + thread % 4 * 5;
        var inputs = new float[Threads][];
        var serial = new float[Threads][];
        for (int i = 0; i < Threads; i++)
        {
            inputs[i] = RandomInputs(i, Batch(i));
            serial[i] = run(inputs[i], Batch(i));
        }
        var parallel = new float[Threads][];
        var errors = new Exception?[Threads];
        using var start = new ManualResetEventSlim();
        var threads = new Thread[Threads];
        for (int i = 0; i < Threads; i++)
        {
            int index = i;
            threads[i] = new Thread(() =>
            {
                start.Wait();
                try
                {
                    for (int repeat = 0; repeat < 3; repeat++)
                        parallel[index] = run(inputs[index], Batch(index));
                }
                catch (Exception e)
                {
                    errors[index] = e;
                }
            });
            threads[i].Start();
        }
        start.Set();
        foreach (Thread thread in threads)
            thread.Join();
        for (int i = 0; i < Threads; i++)
        {
            Assert.Null(errors[i]);
            Assert.Equal(serial[i], parallel[i]);
        }
    }

    private static float[] ForwardStack(RecurrentStack<float> stack, float[] x, int batch)
    {
        StackWorkspace<float> ws = stack.CreateWorkspace(Steps, batch);
        x.CopyTo(ws.Input);
        stack.Forward(ws, Steps);
        return ws.Output(Steps).ToArray();
    }

    [Fact]
    public void EightThreadsRunningWholeSequencesThroughOneStack_MatchSerialRuns()
    {
        var stack = new RecurrentStack<float>((layer, direction, input) => new Lstm(input, Hidden / 2, seed: layer + direction), Inputs, layers: 2, bidirectional: true);
        stack.Eval();
        AssertSameAsSerial((x, batch) => ForwardStack(stack, x, batch));
    }

    [Fact]
    public void EightThreadsStreamingOneLstm_MatchSerialRuns()
    {
        var cell = new Lstm(Inputs, Hidden, seed: 3);
        AssertSameAsSerial((x, batch) => StreamCell(cell, x, batch));
    }

    [Fact]
    public void EightThreadsStreamingOneGruStack_MatchSerialRuns()
    {
        var stack = new RecurrentStack<float>((layer, direction, input) => new Gru(input, Hidden, seed: layer), Inputs, layers: 2);
        AssertSameAsSerial((x, batch) => StreamStack(stack, x, batch));
    }
}
