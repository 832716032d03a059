using System;
using System.Linq;
using SeqGen.CompilerServices;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Tests;

/// <summary>
/// Two threads give exactly the results of one: products split into parts of rows or of panels
/// of columns, and a step's fused loops into parts of rows (each element computed by the same
/// code whichever thread runs its part).
/// </summary>
// Alone: the split needs the GEMM worker free, and other tests would take it.
[Collection(nameof(ThreadedAllocationTests))]
public class ThreadingTests
{
    [Theory]
    [MemberData(nameof(CellBehaviourTests.StockRecurrentCells), MemberType = typeof(CellBehaviourTests))]
    public void TwoThreads_GiveTheResultsOfOne(string name)
    {
        // 32 × 144 elements per step: above the size at which fused loops split (by rows; a
        // backward loop's second half of the rows adds its parameter gradients to a buffer of
        // its own, on one thread as on two).
        const int steps = 3, batch = 32, input = 19, hidden = 144;
        var one = Run(name, steps, batch, input, hidden, threads: 1);
        var two = Run(name, steps, batch, input, hidden, threads: 2);
        Assert.Equal(one.Outputs, two.Outputs);
        Assert.Equal(one.Gradients, two.Gradients);
        Assert.Equal(one.InputGradients, two.InputGradients);
    }

    [Fact]
    public void LevelBatchedTreeLstm_TwoThreadsGiveTheResultsOfOne()
    {
        // 48 trees of 8 leaves: levels of 48 to 384 nodes × 144 columns, so every level's loops
        // split, and the backward's bias gradients take the second-half buffer.
        var random = new Random(3);
        var trees = new System.Collections.Generic.List<SeqGen.Trees.Tree>();
        for (int t = 0; t < 48; t++)
        {
            var builder = new SeqGen.Trees.TreeBuilder();
            var open = new System.Collections.Generic.List<int>();
            for (int i = 0; i < 8; i++)
                open.Add(builder.Leaf("w", random.Next(30), random.Next(5)));
            while (open.Count > 1)
            {
                int node = builder.Node(random.Next(5), open[0], open[1]);
                open.RemoveRange(0, 2);
                open.Add(node);
            }
            trees.Add(builder.Build());
        }
        (float Loss, float[] Gradients) Train(int threads)
        {
            var runner = new SeqGen.Trees.TreeRunner<float>(new SeqGen.Cells.TreeLstm<float>(inputSize: 16, hiddenSize: 144, seed: 1),
                new SeqGen.Modules.Embedding<float>(30, 16, seed: 2), new SeqGen.Modules.Linear<float>(144, 5, seed: 3), true, SeqGen.Trees.TreeBatching.Level);
            var ws = runner.CreateWorkspace();
            using (Threads(threads))
            {
                float loss = runner.Forward(ws, trees);
                runner.ZeroGradients();
                runner.Backward(ws);
                var gradients = new System.Collections.Generic.List<float>();
                foreach (var parameter in runner.NamedParameters())
                    gradients.AddRange(parameter.Gradient.ToArray());
                return (loss, gradients.ToArray());
            }
        }
        var one = Train(1);
        var two = Train(2);
        Assert.Equal(one.Loss, two.Loss);
        Assert.Equal(one.Gradients, two.Gradients);
        Assert.Contains(one.Gradients, g => g != 0);
    }

    [Fact]
    public void ParallelColumns_SplitsASingleRowAtAVectorBoundary_AndChecksItsArguments()
    {
        var task = new RecordingTask();
        var odd = new RecordingTask();
        using (Threads(2))
        {
            ParallelColumns.Run(task, run: 3, step: 5, columns: 8192, rows: 1, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: true);
            // A row that is not whole cache lines is not split: the halves would share a line.
            ParallelColumns.Run(odd, run: 0, step: 0, columns: 8200, rows: 1, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false);
        }
        // Every element exactly once, in two column ranges that start at multiples of the vector width, for the right run and step.
        Assert.Equal(8192, task.Covered.Count);
        Assert.Equal(2, task.Ranges.Count);
        Assert.All(task.Ranges, r => Assert.Equal(0, r.From % System.Numerics.Vector<float>.Count));
        Assert.All(task.Ranges, r => Assert.Equal((3, 5, 0, 1), (r.Run, r.Step, r.FirstRow, r.LastRow)));
        Assert.Equal((0, 8200), (Assert.Single(odd.Ranges).From, Assert.Single(odd.Ranges).To));
        Assert.Throws<ArgumentOutOfRangeException>("alignment", () => ParallelColumns.Run(task, 0, 0, 16, 1, 0, false));
        Assert.Throws<ArgumentOutOfRangeException>("columns", () => ParallelColumns.Run(task, 0, 0, -1, 1, 8, false));
        Assert.Throws<ArgumentNullException>("task", () => ParallelColumns.Run(null!, 0, 0, 16, 1, 8, false));
    }

    [Theory]
    [InlineData(2, 33, 150)] // split between the threads
    [InlineData(1, 33, 150)] // one thread runs the same two blocks
    [InlineData(2, 4, 8)]    // too little work to split: still the two blocks
    public void ParallelColumns_WithSecondHalfGradients_RunsTheSameTwoHalves_OnOneThreadOrTwo(int threads, int rows, int columns)
    {
        var task = new RecordingTask();
        using (Threads(threads))
        {
            ParallelColumns.Run(task, run: 1, step: 0, columns, rows, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: true);
        }
        Assert.Equal(rows * columns, task.Covered.Count);
        Assert.Equal(new[] { (0, rows / 2), (rows / 2, rows) }, task.Ranges.Select(r => (r.FirstRow, r.LastRow)).OrderBy(r => r.Item1).ToArray());
        Assert.All(task.Ranges, r => Assert.Equal((0, columns), (r.From, r.To)));
    }

    [Fact]
    public void AddSecondHalf_AddsTheBuffer_ClearsIt_AndChecksLengths()
    {
        double[] gradients = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
        double[] secondHalf = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110 };
        ParallelColumns.AddSecondHalf<double>(gradients, secondHalf);
        Assert.Equal(new double[] { 11, 22, 33, 44, 55, 66, 77, 88, 99, 110, 121 }, gradients);
        Assert.All(secondHalf, x => Assert.Equal(0, x));
        Assert.Throws<ArgumentException>("secondHalf", () => ParallelColumns.AddSecondHalf<double>(gradients, new double[3]));
    }

    [Fact]
    public void ParallelColumns_SplitsIndependentRowsIntoParts()
    {
        var task = new RecordingTask();
        var single = new RecordingTask();
        using (Threads(2))
        {
            // 150 columns are not whole cache lines, which only a column split minds.
            ParallelColumns.Run(task, run: 1, step: 2, columns: 150, rows: 33, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false);
            ParallelColumns.Run(single, run: 0, step: 0, columns: 8192, rows: 1, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false);
        }
        // Every element exactly once: 4950 elements make four parts of the rows, each over all the columns.
        Assert.Equal(33 * 150, task.Covered.Count);
        Assert.Equal(new[] { (0, 8), (8, 16), (16, 24), (24, 33) }, task.Ranges.Select(r => (r.FirstRow, r.LastRow)).OrderBy(r => r.Item1).ToArray());
        Assert.All(task.Ranges, r => Assert.Equal((1, 2, 0, 150), (r.Run, r.Step, r.From, r.To)));
        // A single row is split by its columns.
        Assert.Equal(8192, single.Covered.Count);
        Assert.All(single.Ranges, r => Assert.Equal((0, 1), (r.FirstRow, r.LastRow)));
    }

    [Fact]
    public void ParallelColumns_TheCallerTakesOverTheWorkersParts_WhenTheWorkerStalls()
    {
        // The worker's first part waits until the caller has run every other part: the caller
        // must take them (from the front) instead of waiting for the worker's half.
        var task = new StallingTask(parts: 8);
        using (Threads(2))
        {
            ParallelColumns.Run(task, run: 0, step: 0, columns: 1024, rows: 8, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false);
        }
        Assert.Equal(Enumerable.Range(0, 8), task.Rows.OrderBy(r => r));
        Assert.True(task.CallerParts >= 7, $"the caller ran {task.CallerParts} of 8 parts");
    }

    [Fact]
    public void ParallelColumns_PassesOnAPartsFailure_AndTheThreadsWorkAfterwards()
    {
        // Whichever thread runs the failing part, the call throws it (wrapped when the worker
        // ran it), only after both threads are done, and the next split runs every element.
        using (Threads(2))
        {
            for (int failing = 0; failing < 8; failing++)
            {
                var task = new FailingTask(failing);
                Exception error = Assert.ThrowsAny<Exception>(() => ParallelColumns.Run(task, run: 0, step: 0, columns: 1024, rows: 8, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false));
                Assert.Equal("part " + failing, (error.InnerException ?? error).Message);
                Assert.Equal(0, System.Threading.Volatile.Read(ref task.Running));
                var after = new RecordingTask();
                ParallelColumns.Run(after, run: 0, step: 0, columns: 1024, rows: 8, alignment: System.Numerics.Vector<float>.Count, secondHalfGradients: false);
                Assert.Equal(8 * 1024, after.Covered.Count);
            }
        }
    }

    private sealed class FailingTask(int failingRow) : IColumnTask
    {
        public int Running;

        public void RunBlock(int run, int step, int firstRow, int lastRow, int from, int to)
        {
            System.Threading.Interlocked.Increment(ref Running);
            try
            {
                System.Threading.Thread.SpinWait(2000);
                if (firstRow <= failingRow && failingRow < lastRow)
                    throw new InvalidOperationException("part " + failingRow);
            }
            finally
            {
                System.Threading.Interlocked.Decrement(ref Running);
            }
        }
    }

    private sealed class StallingTask(int parts) : IColumnTask
    {
        private readonly int _caller = Environment.CurrentManagedThreadId;
        private readonly System.Threading.ManualResetEventSlim _callerDone = new(false);
        public readonly System.Collections.Concurrent.ConcurrentBag<int> Rows = new();
        public int CallerParts;

        public void RunBlock(int run, int step, int firstRow, int lastRow, int from, int to)
        {
            Assert.Equal(firstRow + 1, lastRow);
            Rows.Add(firstRow);
            if (Environment.CurrentManagedThreadId == _caller)
            {
                if (System.Threading.Interlocked.Increment(ref CallerParts) == parts - 1)
                    _callerDone.Set();
            }
            else
            {
                Assert.True(_callerDone.Wait(TimeSpan.FromSeconds(30)), "the caller did not take the other parts");
            }
        }
    }

    // Gemm.MaxThreads for a block, restored after.
    private static ThreadCount Threads(int threads) => new(threads);

    private readonly struct ThreadCount : IDisposable
    {
        private readonly int _saved;

        public ThreadCount(int threads)
        {
            _saved = Gemm.MaxThreads;
            Gemm.MaxThreads = threads;
        }

        public void Dispose() => Gemm.MaxThreads = _saved;
    }

    private sealed class RecordingTask : IColumnTask
    {
        // Element (row, column) as row * 100000 + column.
        public readonly System.Collections.Generic.HashSet<long> Covered = new();
        public readonly System.Collections.Concurrent.ConcurrentBag<(int Run, int Step, int FirstRow, int LastRow, int From, int To)> Ranges = new();

        public void RunBlock(int run, int step, int firstRow, int lastRow, int from, int to)
        {
            Ranges.Add((run, step, firstRow, lastRow, from, to));
            lock (Covered)
            {
                for (int b = firstRow; b < lastRow; b++)
                {
                    for (int j = from; j < to; j++)
                        Assert.True(Covered.Add(b * 100000L + j), $"row {b} column {j} twice");
                }
            }
        }
    }

    private static (float[] Outputs, float[] Gradients, float[] InputGradients) Run(string name, int steps, int batch, int input, int hidden, int threads)
    {
        RecurrentCellBase<float> cell = CellBehaviourTests.Create<float>(name, input, hidden, seed: 7);
        SequenceWorkspace<float> ws = cell.CreateWorkspace(steps, batch);
        var random = new Random(5);
        Span<float> x = ws.Input(0);
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 2 - 1);
        Span<float> dOut = ws.OutputGradient(steps);
        for (int i = 0; i < dOut.Length; i++)
            dOut[i] = (float)(random.NextDouble() * 2 - 1);
        using (Threads(threads))
        {
            cell.ZeroGradients();
            cell.Forward(ws, steps);
            cell.Backward(ws, steps);
        }
        return (ws.Output(steps).ToArray(), (float[])cell.Gradients.Clone(), ws.InputGradient(0).ToArray());
    }
}
