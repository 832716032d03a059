using System;
using SeqGen.CompilerServices;
using SeqGen.Cells;
using SeqGen.Numerics;

namespace SeqGen.Tests;

[CollectionDefinition(nameof(ThreadedAllocationTests), DisableParallelization = true)]
public class ThreadedAllocationCollection;

/// <summary>
/// On two threads too, training and streaming allocate nothing, on the calling thread or on the
/// worker: the hand-over passes a struct and pinned pointers. The worker's own allocation count
/// is read on the worker, by a probe task it runs before and after (so this runs alone).
/// </summary>
[Collection(nameof(ThreadedAllocationTests))]
public class ThreadedAllocationTests
{
    [Theory]
    [InlineData(32, 256)] // packed products split by panels, fused loops split by columns
    [InlineData(1, 512)]  // a single sequence's bandwidth-bound products split by columns
    public void TrainingAndStreaming_OnTwoThreads_AllocateZeroBytes(int batch, int hidden)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = 2;
            var cell = new Lstm(hidden, hidden, seed: 1);
            var ws = cell.CreateWorkspace(steps: 8, batch);
            var stream = cell.CreateStream(1);
            for (int i = 0; i < 3; i++)
                Run(cell, ws, stream);
            long workerBefore = WorkerAllocatedBytes();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
                Run(cell, ws, stream);
            long caller = GC.GetAllocatedBytesForCurrentThread() - before;
            long worker = WorkerAllocatedBytes() - workerBefore;
            Assert.Equal(0, caller);
            Assert.Equal(0, worker);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    // Runs a probe on the worker (its half of a split loop) and returns what the worker thread
    // has allocated so far.
    private static long WorkerAllocatedBytes()
    {
        var probe = new WorkerProbe();
        for (int attempt = 0; attempt < 100 && probe.Bytes < 0; attempt++)
            ParallelColumns.Run(probe, run: 0, step: 0, columns: 8192, rows: 1, alignment: 8, secondHalfGradients: false);
        Assert.True(probe.Bytes >= 0, "the worker never took the probe");
        return probe.Bytes;
    }

    private sealed class WorkerProbe : IColumnTask
    {
        private readonly int _caller = Environment.CurrentManagedThreadId;
        public long Bytes = -1;

        // The caller takes over the worker's half when the worker is late, so the caller's half
        // waits (a while) for the worker to take the other.
        public void RunBlock(int run, int step, int firstRow, int lastRow, int from, int to)
        {
            if (Environment.CurrentManagedThreadId != _caller)
            {
                System.Threading.Volatile.Write(ref Bytes, GC.GetAllocatedBytesForCurrentThread());
                return;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (System.Threading.Volatile.Read(ref Bytes) < 0 && clock.ElapsedMilliseconds < 1000)
                System.Threading.Thread.SpinWait(100);
        }
    }

    private static void Run(Lstm cell, SeqGen.Model.SequenceWorkspace<float> ws, SeqGen.Model.StreamState<float> stream)
    {
        cell.Forward(ws, 8);
        cell.Backward(ws, 8);
        cell.Step(stream);
    }
}
