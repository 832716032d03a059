using System;
using System.Numerics;
using System.Threading;

using SeqGen.CompilerServices;

namespace SeqGen.Numerics;

/// <summary>
/// Splits a large product, or a step's elementwise work, between the calling thread and one
/// persistent worker thread (the machine this targets has two cores). Nothing is allocated per
/// call: the operands are pinned for the duration and handed over as pointers, and the worker
/// waits on a reusable event.
/// </summary>
internal static unsafe class GemmThreads
{
    private static readonly ManualResetEventSlim Start = new(false, spinCount: 2000);
    private static readonly ManualResetEventSlim Done = new(false, spinCount: 2000);
    private static readonly object StartLock = new();
    private static Thread? s_worker;
    private static int s_busy;
    private static Job s_job;

    /// <summary>Threads a product may use: 1 or 2 (default: 2 when the machine has two cores or more).</summary>
    public static int MaxThreads { get; set; } = Math.Min(2, Environment.ProcessorCount);

    private enum JobKind { Product, PackedProduct, Columns }

    private struct Job
    {
        public JobKind Kind;
        public bool IsDouble, TransposeA, TransposeB, Accumulate;
        public int M, N, K, Lda, Ldb, Ldc, ALength, BLength, CLength, First, Last, FirstRow, LastRow, Run, Step;
        public void* A, B, C;
        public IColumnTask? Task;
        public Exception? Error;
    }

    /// <summary>Runs the product on two threads when it is large enough and the worker is free; false otherwise.</summary>
    public static bool TryParallel<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Worth a hand-over (a few µs) when the product is large, or when a product of a few rows
        // reads a weight matrix of a megabyte or more: that is bound by the cache's bandwidth, and
        // each thread reads half of it.
        bool large = (long)m * n * k >= (1L << 20) || (m < 8 && (long)n * k >= (1L << 18));
        if (MaxThreads < 2 || !large || (m < 32 && n < 256))
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            bool byRows = m >= 32;
            int split = byRows ? m / 2 : n / 2;
            fixed (T* pa = a, pb = b, pc = c)
            {
                // The worker takes the second half of the rows (or columns) of C.
                int aOffset = byRows ? (transposeA ? split : split * lda) : 0;
                int bOffset = byRows ? 0 : (transposeB ? split * ldb : split);
                int cOffset = byRows ? split * ldc : split;
                Hand(new Job
                {
                    IsDouble = typeof(T) == typeof(double),
                    TransposeA = transposeA,
                    TransposeB = transposeB,
                    Accumulate = accumulate,
                    M = byRows ? m - split : m,
                    N = byRows ? n : n - split,
                    K = k,
                    Lda = lda,
                    Ldb = ldb,
                    Ldc = ldc,
                    A = pa + aOffset,
                    B = pb + bOffset,
                    C = pc + cOffset,
                    ALength = a.Length - aOffset,
                    BLength = b.Length - bOffset,
                    CLength = c.Length - cOffset,
                });
                try
                {
                    Gemm.ComputeSerial(transposeA, transposeB, byRows ? split : m, byRows ? n : split, k, a, lda, b, ldb, c, ldc, accumulate);
                }
                finally
                {
                    Join();
                }
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Runs a product with prepacked op(B) on two threads, each taking whole panels of columns,
    /// when it is large enough and the worker is free; false otherwise.
    /// </summary>
    public static bool TryParallelPacked<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> packed,
        Span<T> c, int ldc, bool accumulate, int panelWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (MaxThreads < 2 || (long)m * n * k < (1L << 20) || n < 2 * panelWidth)
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            int split = (n / 2 + panelWidth - 1) / panelWidth * panelWidth;
            fixed (T* pa = a, pb = packed, pc = c)
            {
                Hand(new Job
                {
                    IsDouble = typeof(T) == typeof(double),
                    Kind = JobKind.PackedProduct,
                    Accumulate = accumulate,
                    M = m,
                    N = n,
                    K = k,
                    Lda = lda,
                    Ldc = ldc,
                    A = pa,
                    B = pb,
                    C = pc,
                    ALength = a.Length,
                    BLength = packed.Length,
                    CLength = c.Length,
                    First = split,
                    Last = n,
                });
                try
                {
                    PackedGemm.MultiplyPacked(m, n, k, a, lda, packed, c, ldc, 0, split, accumulate);
                }
                finally
                {
                    Join();
                }
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Runs the first half of a step's elementwise work here and the second on the worker — halves
    /// of the rows when they are independent and there are two or more, else halves of the columns
    /// — when there is enough of it and the worker is free; false otherwise.
    /// </summary>
    public static bool TryParallelColumns(IColumnTask task, int run, int step, int columns, int rows, int alignment, bool rowsIndependent)
    {
        // About 4096 elements take some 10–20 µs: well above the cost of a hand-over.
        if (MaxThreads < 2 || (long)rows * columns < 4096)
            return false;
        bool byRows = rowsIndependent && rows >= 2;
        // Column halves share a line on every row unless rows are whole cache lines (false sharing
        // made a Tree-LSTM of H = 150 slower on two threads); even then they do unless the buffers
        // happen to start on a line, which .NET arrays do not, so rows are split where they can be.
        int elementsPerLine = 64 * alignment / System.Numerics.Vector<byte>.Count;
        if (!byRows && (columns < 2 * alignment || columns % elementsPerLine != 0))
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            // A column split is a multiple of the vector width, so both halves run whole vectors.
            int split = byRows ? rows / 2 : (columns / 2 + alignment - 1) / alignment * alignment;
            Hand(byRows
                ? new Job { Kind = JobKind.Columns, Task = task, Run = run, Step = step, FirstRow = split, LastRow = rows, First = 0, Last = columns }
                : new Job { Kind = JobKind.Columns, Task = task, Run = run, Step = step, FirstRow = 0, LastRow = rows, First = split, Last = columns });
            try
            {
                if (byRows)
                    task.RunBlock(run, step, 0, split, 0, columns);
                else
                    task.RunBlock(run, step, 0, rows, 0, split);
            }
            finally
            {
                Join();
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    private static bool TryAcquire() => Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;

    private static void Release() => Volatile.Write(ref s_busy, 0);

    // Gives the worker its half; the caller computes its own half next, then joins.
    private static void Hand(in Job job)
    {
        EnsureWorker();
        s_job = job;
        Done.Reset();
        Start.Set();
    }

    // Waits for the worker's half and passes on its failure. Callers join in a finally block, so
    // the worker is never still running once the call has returned or thrown.
    private static void Join()
    {
        Done.Wait();
        Exception? error = s_job.Error;
        s_job = default;
        if (error is not null)
            throw new InvalidOperationException("The worker thread failed.", error);
    }

    private static void EnsureWorker()
    {
        if (s_worker is not null)
            return;
        lock (StartLock)
        {
            if (s_worker is not null)
                return;
            var worker = new Thread(Work) { IsBackground = true, Name = "SeqGen GEMM worker" };
            worker.Start();
            s_worker = worker;
        }
    }

    private static void Work()
    {
        while (true)
        {
            Start.Wait();
            Start.Reset();
            Job job = s_job;
            try
            {
                if (job.Kind == JobKind.Columns)
                    job.Task!.RunBlock(job.Run, job.Step, job.FirstRow, job.LastRow, job.First, job.Last);
                else if (job.IsDouble)
                    Run<double>(job);
                else
                    Run<float>(job);
                s_job.Error = null;
            }
            catch (Exception e)
            {
                s_job.Error = e;
            }
            Done.Set();
        }
    }

    private static void Run<T>(Job job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (job.Kind == JobKind.PackedProduct)
        {
            PackedGemm.MultiplyPacked(job.M, job.N, job.K, new ReadOnlySpan<T>(job.A, job.ALength), job.Lda,
                new ReadOnlySpan<T>(job.B, job.BLength), new Span<T>(job.C, job.CLength), job.Ldc, job.First, job.Last, job.Accumulate);
            return;
        }
        Gemm.ComputeSerial(job.TransposeA, job.TransposeB, job.M, job.N, job.K,
            new ReadOnlySpan<T>(job.A, job.ALength), job.Lda,
            new ReadOnlySpan<T>(job.B, job.BLength), job.Ldb,
            new Span<T>(job.C, job.CLength), job.Ldc, job.Accumulate);
    }
}
