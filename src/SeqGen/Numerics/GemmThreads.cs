using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;

using SeqGen.CompilerServices;

namespace SeqGen.Numerics;

/// <summary>
/// Splits a large product, or a step's elementwise work, between the calling thread and one
/// persistent worker thread (the machine this targets has two cores). The work is cut into
/// parts; the caller takes them from the front and the worker from the back until they meet, so
/// when one core runs slow (a VM's vCPUs are slowed independently, for tens of milliseconds) the
/// other takes over its parts, and a worker that has not started yet is not waited for. In a
/// steady state each thread takes the same parts every step, which keeps its half of the weights
/// in its own L2. Each part is computed by one thread with the same code, so results do not
/// depend on which thread ran it. Nothing is allocated per call: the operands are pinned for the
/// duration and handed over as pointers.
/// </summary>
internal static unsafe class GemmThreads
{
    // The worker spins for 200 µs after each job, long enough to bridge the serial work between a
    // step's parallel phases; the caller waits at most one part, so it spins longer.
    private static readonly SpinSignal Start = new(spinMicroseconds: 200);
    private static readonly SpinSignal Done = new(spinMicroseconds: 2000);
    private static readonly object StartLock = new();
    private static Thread? s_worker;
    private static int s_busy;
    private static Job s_job;
    private static Exception? s_workerError;
    private static long s_productKeys;
    private static byte[]? s_sharedB;

    // The untaken parts [front, back): front in the low 32 bits, back in the high.
    private static long s_parts;

    // Whether the worker took the posted job; the caller withdraws a job the worker has not taken.
    private static int s_state;
    private const int Idle = 0, Posted = 1, Taken = 2;

    // Parts of an elementwise loop: 1024 elements (some 3–5 µs) or more each; taking one costs
    // one interlocked exchange.
    private const int ElementsPerRowPart = 1024, MaxRowParts = 8;
    // Parts of a product with packed weights: a part packs nothing (A is packed once per thread).
    private const int MaxPanelParts = 8;
    // Parts of a large product's rows, each reading all of the shared packed B.
    private const int MaxProductRowParts = 16;
    // A larger op(B) is not packed whole for both threads (the buffer is kept for the next product).
    private const long MaxSharedPackedB = 32L << 20;

    /// <summary>Threads a product may use: 1 or 2 (default: 2 when the machine has two cores or more).</summary>
    public static int MaxThreads { get; set; } = Math.Min(2, Environment.ProcessorCount);

    private enum JobKind { Product, PackedProduct, PackB, PackedRows, Columns, VectorSum }

    private struct Job
    {
        public JobKind Kind;
        public bool IsDouble, TransposeA, TransposeB, Accumulate, ByRows;
        public int M, N, K, Lda, Ldb, Ldc, ALength, BLength, CLength, PackedLength, Split, BlockStart, Parts, PanelWidth, Run, Step, Alignment;
        public int K2, Ldb2, A2Length, B2Length;
        public long ProductKey;
        public void* A, B, C, Packed, A2, B2;
        public IColumnTask? Task;
    }

    /// <summary>
    /// Worth a hand-over to the second thread: the product is large, or a product of a few rows
    /// reads 256 KB of weights or more, which is bound by the cache's bandwidth, and each thread
    /// reads half of it. Measured on Zen 4: a hand-over costs about 0.35 µs and a half of 256 KB
    /// saves 1.3 µs (LSTM T = 100, B = 1, H = 128, forward 0.50 → 0.37 ms on two threads); with
    /// 128 KB (a stream's summed step at H = 64) the gain was gone whenever the second vCPU ran late.
    /// </summary>
    internal static bool WorthSplitting(int m, int n, int k)
    {
        bool large = (long)m * n * k >= (1L << 20) || (m < 8 && (long)n * k >= (1L << 16));
        return MaxThreads >= 2 && large && !(m < 32 && n < 256);
    }

    /// <summary>Runs the product on two threads when it is large enough and the worker is free; false otherwise.</summary>
    public static bool TryParallel<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!WorthSplitting(m, n, k))
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            bool byRows = m >= 32;
            fixed (T* pa = a, pb = b, pc = c)
            {
                Job job = Product<T>(m, n, k, pa, a.Length, lda, pb, b.Length, ldb, pc, c.Length, ldc, accumulate);
                job.TransposeA = transposeA;
                job.TransposeB = transposeB;
                if (byRows && PackedGemm.IsSupported<T>() && TryRunInRowParts<T>(ref job))
                    return true;
                // Two parts, halves of the columns (or of the rows, where B is too large to pack
                // once): each part packs its own operands, so finer parts would repack them.
                job.Kind = JobKind.Product;
                job.ByRows = byRows;
                job.Split = byRows ? m / 2 : ColumnSplit(n);
                job.Parts = 2;
                RunParts(job);
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// y [n] = x·Bᵀ + x2·B2ᵀ on two threads, halves of the rows of both matrices, when they are
    /// worth it together and the worker is free; false otherwise (see Gemm.ComputeSumOfTransposed).
    /// </summary>
    public static bool TryParallelSum<T>(int n, int k, ReadOnlySpan<T> x, ReadOnlySpan<T> b, int ldb,
        int k2, ReadOnlySpan<T> x2, ReadOnlySpan<T> b2, int ldb2, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!WorthSplitting(1, n, k + k2))
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            fixed (T* px = x, pb = b, py = y, px2 = x2, pb2 = b2)
            {
                Job job = Product<T>(1, n, k, px, x.Length, k, pb, b.Length, ldb, py, y.Length, n, accumulate: false);
                job.Kind = JobKind.VectorSum;
                job.K2 = k2;
                job.A2 = px2;
                job.A2Length = x2.Length;
                job.B2 = pb2;
                job.B2Length = b2.Length;
                job.Ldb2 = ldb2;
                job.Split = ColumnSplit(n);
                job.Parts = 2;
                RunParts(job);
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    // Halves of a row's columns split at a multiple of 64 elements, so that two threads give one
    // thread's bits: the row-vector product sums each column of its wide blocks alike but a last
    // single vector's in four parts, and a second half starting at such a split ends in the same
    // columns as the whole; the dot-product kernel sums whole groups of eight rows.
    private static int ColumnSplit(int n) => n / 2 / 64 * 64;

    // A product's operands, pinned by the caller for the duration of the job.
    private static Job Product<T>(int m, int n, int k, T* a, int aLength, int lda, T* b, int bLength, int ldb,
        T* c, int cLength, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        IsDouble = typeof(T) == typeof(double),
        Accumulate = accumulate,
        M = m,
        N = n,
        K = k,
        Lda = lda,
        Ldb = ldb,
        Ldc = ldc,
        A = a,
        B = b,
        C = c,
        ALength = aLength,
        BLength = bLength,
        CLength = cLength,
    };

    // Packs op(B) once, shared (the threads pack parts of its panels), then computes C in parts
    // of rows, each reading the shared panels: finer parts than halves cost no repacking.
    private static bool TryRunInRowParts<T>(ref Job job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int packedLength = PackedGemm.PackedLength<T>(job.K, job.N);
        if ((long)packedLength * Unsafe.SizeOf<T>() > MaxSharedPackedB)
            return false;
        int bytes = packedLength * Unsafe.SizeOf<T>();
        if (!AlignedBuffer.Holds(s_sharedB, bytes))
            s_sharedB = AlignedBuffer.Allocate<byte>(bytes);
        int panelWidth = PackedGemm.PanelWidth<T>();
        int panels = (job.N + panelWidth - 1) / panelWidth;
        fixed (byte* shared = AlignedBuffer.Lined(s_sharedB!, bytes))
        {
            job.Packed = shared;
            job.PackedLength = packedLength;
            job.PanelWidth = panelWidth;
            job.Kind = JobKind.PackB;
            job.Parts = Math.Min(panels, MaxPanelParts);
            RunParts(job);
            // One job per KC block of k, in order, as on one thread: a thread keeps the block's
            // panels in its L2 for all the rows it takes. Parts are whole micro-tiles of rows,
            // so that only the last rows form a partial tile, as on one thread: a partial tile
            // is summed differently.
            job.Kind = JobKind.PackedRows;
            job.Parts = Math.Min(MaxProductRowParts, (job.M + PackedGemm.RowsPerTile - 1) / PackedGemm.RowsPerTile);
            for (int block = 0; block < job.K; block += PackedGemm.BlockDepth)
            {
                job.BlockStart = block;
                RunParts(job);
            }
        }
        return true;
    }

    /// <summary>
    /// Runs a product with prepacked op(B) on two threads, in parts of whole panels of columns,
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
            int panels = (n + panelWidth - 1) / panelWidth;
            fixed (T* pa = a, pb = packed, pc = c)
            {
                Job job = Product<T>(m, n, k, pa, a.Length, lda, pb, packed.Length, 0, pc, c.Length, ldc, accumulate);
                job.Kind = JobKind.PackedProduct;
                job.Parts = Math.Min(panels, MaxPanelParts);
                job.PanelWidth = panelWidth;
                job.ProductKey = ++s_productKeys;
                RunParts(job);
            }
            return true;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Runs a step's elementwise work on two threads — in parts of the rows when there are two or
    /// more (exactly the two halves when <paramref name="halves"/>), else in halves of the
    /// columns — when there is enough of it and the worker is free; false otherwise.
    /// </summary>
    public static bool TryParallelColumns(IColumnTask task, int run, int step, int columns, int rows, int alignment, bool halves)
    {
        // About 4096 elements take some 10–20 µs: well above the cost of a hand-over.
        if (MaxThreads < 2 || (long)rows * columns < 4096)
            return false;
        bool byRows = rows >= 2;
        // Column halves of a single row share a line unless it is whole cache lines and the
        // buffers happen to start on one, which .NET arrays do not promise.
        int elementsPerLine = 64 * alignment / System.Numerics.Vector<byte>.Count;
        if (!byRows && (columns < 2 * alignment || columns % elementsPerLine != 0))
            return false;
        if (!TryAcquire())
            return false;
        try
        {
            RunParts(new Job
            {
                Kind = JobKind.Columns,
                Task = task,
                Run = run,
                Step = step,
                ByRows = byRows,
                M = rows,
                N = columns,
                Alignment = alignment,
                Parts = byRows && !halves ? (int)Math.Clamp((long)rows * columns / ElementsPerRowPart, 2, Math.Min(rows, MaxRowParts)) : 2,
            });
            return true;
        }
        finally
        {
            Release();
        }
    }

    private static bool TryAcquire() => Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;

    private static void Release() => Volatile.Write(ref s_busy, 0);

    // Posts the job, runs parts from the front until none is left, then joins the worker.
    private static void RunParts(in Job job)
    {
        EnsureWorker();
        s_job = job;
        s_workerError = null;
        Volatile.Write(ref s_parts, (long)job.Parts << 32);
        Volatile.Write(ref s_state, Posted);
        Start.Set();
        try
        {
            while (TryTake(fromBack: false, out int part))
                RunPart(job, part);
        }
        finally
        {
            Join();
        }
    }

    // Waits for the worker's parts, unless it never took the job, and passes on its failure.
    // Callers join in a finally block, so the worker is never still running once the call has
    // returned or thrown.
    private static void Join()
    {
        if (Interlocked.CompareExchange(ref s_state, Idle, Posted) != Posted)
        {
            Done.Wait();
            Volatile.Write(ref s_state, Idle);
        }
        s_job = default;
        Exception? error = s_workerError;
        s_workerError = null;
        if (error is not null)
            throw new InvalidOperationException("The worker thread failed.", error);
    }

    private static bool TryTake(bool fromBack, out int part)
    {
        while (true)
        {
            long parts = Volatile.Read(ref s_parts);
            int front = (int)parts, back = (int)(parts >> 32);
            if (front >= back)
            {
                part = -1;
                return false;
            }
            long taken = fromBack ? ((long)(back - 1) << 32) | (uint)front : ((long)back << 32) | (uint)(front + 1);
            if (Interlocked.CompareExchange(ref s_parts, taken, parts) == parts)
            {
                part = fromBack ? back - 1 : front;
                return true;
            }
        }
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
            // A signal may be left over from a job the caller finished and withdrew alone.
            if (Interlocked.CompareExchange(ref s_state, Taken, Posted) != Posted)
                continue;
            Job job = s_job;
            try
            {
                while (TryTake(fromBack: true, out int part))
                    RunPart(job, part);
            }
            catch (Exception e)
            {
                s_workerError = e;
            }
            Done.Set();
        }
    }

    // The columns of part `part` of the job's panels.
    private static (int First, int Last) PanelColumns(in Job job, int part)
    {
        int panels = (job.N + job.PanelWidth - 1) / job.PanelWidth;
        return (PartStart(part, job.Parts, panels) * job.PanelWidth, Math.Min(job.N, PartStart(part + 1, job.Parts, panels) * job.PanelWidth));
    }

    // Part `part` of `parts` equal shares of `count` items: its first item.
    private static int PartStart(int part, int parts, int count) => (int)((long)part * count / parts);

    private static void RunPart(in Job job, int part)
    {
        if (job.Kind == JobKind.Columns)
        {
            if (job.ByRows)
            {
                job.Task!.RunBlock(job.Run, job.Step, PartStart(part, job.Parts, job.M), PartStart(part + 1, job.Parts, job.M), 0, job.N);
                return;
            }
            // Column halves start at a multiple of the vector width, so both run whole vectors.
            int split = (job.N / 2 + job.Alignment - 1) / job.Alignment * job.Alignment;
            job.Task!.RunBlock(job.Run, job.Step, 0, job.M, part == 0 ? 0 : split, part == 0 ? split : job.N);
            return;
        }
        if (job.IsDouble)
            RunPart<double>(job, part);
        else
            RunPart<float>(job, part);
    }

    private static void RunPart<T>(in Job job, int part) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new ReadOnlySpan<T>(job.A, job.ALength);
        var b = new ReadOnlySpan<T>(job.B, job.BLength);
        var c = new Span<T>(job.C, job.CLength);
        switch (job.Kind)
        {
            case JobKind.PackedProduct:
            {
                (int first, int last) = PanelColumns(job, part);
                PackedGemm.MultiplyPacked(job.M, job.N, job.K, a, job.Lda, b, c, job.Ldc, first, last, job.Accumulate, job.ProductKey);
                return;
            }
            case JobKind.PackB:
            {
                (int first, int last) = PanelColumns(job, part);
                PackedGemm.PackColumns(job.TransposeB, job.K, job.N, b, job.Ldb, new Span<T>(job.Packed, job.PackedLength), first, last);
                return;
            }
            case JobKind.PackedRows:
            {
                int tile = PackedGemm.RowsPerTile;
                int tiles = (job.M + tile - 1) / tile;
                int firstRow = PartStart(part, job.Parts, tiles) * tile;
                int lastRow = Math.Min(job.M, PartStart(part + 1, job.Parts, tiles) * tile);
                PackedGemm.MultiplyPackedBlock(job.TransposeA, lastRow - firstRow, job.N, job.K, job.BlockStart, a.Slice(job.TransposeA ? firstRow : firstRow * job.Lda), job.Lda,
                    new ReadOnlySpan<T>(job.Packed, job.PackedLength), c.Slice(firstRow * job.Ldc), job.Ldc, overwrite: job.BlockStart == 0 && !job.Accumulate);
                return;
            }
        }
        if (job.Kind == JobKind.VectorSum)
        {
            int first = part == 0 ? 0 : job.Split, end = part == 0 ? job.Split : job.N;
            DirectGemm.TryMatrixVectorSum(end - first, job.K, a, b.Slice(first * job.Ldb), job.Ldb,
                job.K2, new ReadOnlySpan<T>(job.A2, job.A2Length), new ReadOnlySpan<T>(job.B2, job.B2Length).Slice(first * job.Ldb2), job.Ldb2,
                c.Slice(first, end - first), accumulate: false);
            return;
        }
        // Halves of the rows or of the columns of C: the second half's operands start further in.
        int from = part == 0 ? 0 : job.Split;
        int count = part == 0 ? job.Split : (job.ByRows ? job.M : job.N) - job.Split;
        int aOffset = job.ByRows ? (job.TransposeA ? from : from * job.Lda) : 0;
        int bOffset = job.ByRows ? 0 : (job.TransposeB ? from * job.Ldb : from);
        int cOffset = job.ByRows ? from * job.Ldc : from;
        Gemm.ComputeSerial(job.TransposeA, job.TransposeB, job.ByRows ? count : job.M, job.ByRows ? job.N : count, job.K,
            a.Slice(aOffset), job.Lda, b.Slice(bOffset), job.Ldb, c.Slice(cOffset), job.Ldc, job.Accumulate);
    }
}
