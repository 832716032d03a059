using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqGen.Numerics;

/// <summary>
/// Cache-blocked GEMM on packed panels: op(B) is packed into KC × NR column panels, op(A) into
/// MR × KC row panels, and an MR × NR micro-kernel of fused multiply-adds (Vector512 where the
/// hardware has it, else Vector256) accumulates into registers. Packing reads any transpose, so
/// one kernel serves C += A·B, A·Bᵀ and Aᵀ·B. Pack buffers are per thread and reused.
/// </summary>
internal static class PackedGemm
{
    // Rows per micro-tile: 8 with AVX-512 (16 accumulators of its 32 registers; batches of 8, 16,
    // 32, 64 fill whole tiles), 6 with AVX2 (12 accumulators of 16 registers).
    private static int MR => Vector512.IsHardwareAccelerated ? 8 : 6;

    /// <summary>MR: the rows of one micro-tile.</summary>
    public static int RowsPerTile => MR;
    private const int MaxMR = 8;
    // Measured on Zen 4 (1 MB L2 per core): a long KC amortises each tile's loads and stores of C;
    // an A block (MC × KC, 192 KB) and a B panel (KC × NR) stay in L2 while the B block streams.
    private const int KC = 512;
    private const int MC = 96; // a multiple of both MRs
    private const int NC = 1024;

    // A product split into parts keeps its A packed whole per thread up to this size (B = 64
    // rows of k = 2048 floats); larger ones repack A's blocks for every part.
    private const int MaxWholePackedA = 512 * 1024;

    [ThreadStatic]
    private static byte[]? t_packA, t_packB, t_wholeA;
    [ThreadStatic]
    private static long t_wholeAKey;

    /// <summary>True when a vector micro-kernel exists for this machine and element type.</summary>
    public static bool IsSupported<T>() =>
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) &&
        (Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);

    private static int Width<T>() => Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count;

    /// <summary>C = op(A)·op(B), or C += op(A)·op(B) when accumulating; k &gt; 0.</summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = PanelWidth<T>();
        Span<T> packA = Buffer<T>(ref t_packA, MC * KC);
        Span<T> packB = Buffer<T>(ref t_packB, KC * (NC + nr));
        Span<T> tile = stackalloc T[MaxMR * 32];
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                PackB(transposeB, b, ldb, pc, kc, jc, nc, nr, packB);
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(transposeA, a, lda, ic, mc, pc, kc, packA);
                    MacroKernel(mc, nc, kc, packA, packB, c.Slice(ic * ldc + jc), ldc, tile, overwrite: pc == 0 && !accumulate);
                }
            }
        }
    }

    /// <summary>Elements of op(B) (k × n) packed whole: every KC block of rows, its columns in NR-wide panels.</summary>
    public static int PackedLength<T>(int k, int n) => k * RoundUp(n, PanelWidth<T>());

    /// <summary>NR: the columns of one packed panel.</summary>
    public static int PanelWidth<T>() => 2 * Width<T>();

    /// <summary>
    /// Packs all of op(B) (k × n) once, so that a product repeated with the same weights (every
    /// step of a sequence) skips packing: block pc starts at pc · n', panel jr at block + jr · kc.
    /// </summary>
    public static void Pack<T>(bool transposeB, int k, int n, ReadOnlySpan<T> b, int ldb, Span<T> packed)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PackColumns(transposeB, k, n, b, ldb, packed, 0, n);

    /// <summary>Packs columns [first, last) of op(B) into <see cref="Pack{T}"/>'s layout; first is a multiple of the panel width.</summary>
    public static void PackColumns<T>(bool transposeB, int k, int n, ReadOnlySpan<T> b, int ldb, Span<T> packed, int first, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = PanelWidth<T>();
        int paddedN = RoundUp(n, nr);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            PackB(transposeB, b, ldb, pc, kc, first, last - first, nr, packed.Slice(pc * paddedN + first * kc, kc * (paddedN - first)));
        }
    }

    /// <summary>
    /// C[:, first..last) (+)= A·op(B) for op(B) packed by <see cref="Pack{T}"/>; <paramref name="first"/>
    /// is a multiple of the panel width, so threads can share the columns. k &gt; 0. Calls with the
    /// same nonzero <paramref name="productKey"/> are parts of one product: a thread packs A once
    /// for all the parts it runs (when A fits the cache of packed A), not once per part.
    /// </summary>
    public static void MultiplyPacked<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> packed,
        Span<T> c, int ldc, int first, int last, bool accumulate, long productKey = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int paddedN = RoundUp(n, PanelWidth<T>());
        int paddedM = RoundUp(m, MR);
        bool whole = productKey != 0 && (long)paddedM * k * Unsafe.SizeOf<T>() <= MaxWholePackedA;
        Span<T> packA = whole ? Buffer<T>(ref t_wholeA, paddedM * k) : Buffer<T>(ref t_packA, MC * KC);
        bool packedAlready = whole && t_wholeAKey == productKey;
        Span<T> tile = stackalloc T[MaxMR * 32];
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            ReadOnlySpan<T> panels = packed.Slice(pc * paddedN + first * kc, (paddedN - first) * kc);
            for (int ic = 0; ic < m; ic += MC)
            {
                int mc = Math.Min(MC, m - ic);
                // Whole, block (pc, ic) sits after the blocks of the earlier pcs (paddedM × KC
                // each) and the full MC-row blocks of this one (MC × kc each).
                Span<T> blockA = whole ? packA.Slice(pc * paddedM + ic * kc, RoundUp(mc, MR) * kc) : packA;
                if (!packedAlready)
                    PackA(false, a, lda, ic, mc, pc, kc, blockA);
                MacroKernel(mc, last - first, kc, blockA, panels, c.Slice(ic * ldc + first), ldc, tile, overwrite: pc == 0 && !accumulate);
            }
        }
        t_wholeAKey = whole ? productKey : 0;
    }

    /// <summary>
    /// C (+)= op(A)[:, pc..pc+kc)·op(B)[pc..pc+kc, :], one KC block of a product whose op(B) is
    /// packed by <see cref="Pack{T}"/>: the block's panels stay in L2 while a thread runs many
    /// such calls for different rows. Overwrites C when <paramref name="overwrite"/>.
    /// </summary>
    public static void MultiplyPackedBlock<T>(bool transposeA, int m, int n, int k, int pc, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> packed, Span<T> c, int ldc, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int paddedN = RoundUp(n, PanelWidth<T>());
        int kc = Math.Min(KC, k - pc);
        Span<T> packA = Buffer<T>(ref t_packA, MC * KC);
        Span<T> tile = stackalloc T[MaxMR * 32];
        ReadOnlySpan<T> panels = packed.Slice(pc * paddedN, paddedN * kc);
        for (int ic = 0; ic < m; ic += MC)
        {
            int mc = Math.Min(MC, m - ic);
            PackA(transposeA, a, lda, ic, mc, pc, kc, packA);
            MacroKernel(mc, n, kc, packA, panels, c.Slice(ic * ldc), ldc, tile, overwrite);
        }
    }

    /// <summary>KC: the depth of one block of a product.</summary>
    public static int BlockDepth => KC;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // C (mc × nc, at the block's origin) (+)= packed A block · packed B panels, one MR × NR tile
    // at a time; the first block of a product overwrites C, so C needs no clearing beforehand.
    private static void MacroKernel<T>(int mc, int nc, int kc, ReadOnlySpan<T> packA, ReadOnlySpan<T> packB,
        Span<T> c, int ldc, Span<T> tile, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nr = PanelWidth<T>();
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            ReadOnlySpan<T> panelB = packB.Slice(jr * kc, kc * nr);
            for (int ir = 0; ir < mc; ir += MR)
            {
                int rows = Math.Min(MR, mc - ir);
                ReadOnlySpan<T> panelA = packA.Slice(ir * kc, kc * MR);
                int origin = ir * ldc + jr;
                if (rows == MR && cols == nr)
                {
                    Kernel(kc, panelA, panelB, c.Slice(origin), ldc, overwrite);
                }
                else
                {
                    // Edge tile: compute in full on a scratch tile, then the part inside C.
                    Kernel(kc, panelA, panelB, tile, nr, overwrite: true);
                    for (int r = 0; r < rows; r++)
                    {
                        Span<T> target = c.Slice(origin + r * ldc, cols);
                        ReadOnlySpan<T> source = tile.Slice(r * nr, cols);
                        if (overwrite)
                        {
                            source.CopyTo(target);
                            continue;
                        }
                        for (int q = 0; q < cols; q++)
                            target[q] += source[q];
                    }
                }
            }
        }
    }

    private static Span<T> Buffer<T>(ref byte[]? storage, int elements) where T : unmanaged
    {
        int bytes = elements * Unsafe.SizeOf<T>();
        if (!AlignedBuffer.Holds(storage, bytes))
            storage = AlignedBuffer.Allocate<byte>(bytes);
        return MemoryMarshal.Cast<byte, T>(AlignedBuffer.Lined(storage!, bytes));
    }

    // packA[panel (i / MR)][p][i % MR] = op(A)(ic + i, pc + p), zero beyond the last row.
    private static void PackA<T>(bool transposeA, ReadOnlySpan<T> a, int lda, int ic, int mc, int pc, int kc, Span<T> packA)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = MR;
        if (transposeA)
        {
            PackTransposedA(a, lda, ic, mc, pc, kc, packA);
            return;
        }
        for (int ir = 0; ir < mc; ir += mr)
        {
            Span<T> panel = packA.Slice(ir * kc, kc * mr);
            int rows = Math.Min(mr, mc - ir);
            if (rows < mr)
                panel.Clear();
            // The panel is the transpose of a rows × kc block of A.
            TransposeBlocks.Transpose(a.Slice((ic + ir) * lda + pc), lda, rows, kc, panel, mr);
        }
    }

    // op(A) row i is A's column: A's row pc + p holds op(A)(ic.., pc + p) contiguously. Reading
    // those rows front to back and scattering each MR run to its panel keeps the reads sequential;
    // walking one panel at a time instead reads a column of A at a stride of lda (on AVX2, whose
    // MR of 6 is no whole vector, those were scalar copies: 7 % of an LSTM's training step).
    private static void PackTransposedA<T>(ReadOnlySpan<T> a, int lda, int ic, int mc, int pc, int kc, Span<T> packA)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = MR;
        int whole = mc / mr * mr;
        if (whole < mc)
            packA.Slice(whole * kc, kc * mr).Clear();
        _ = a[(pc + kc - 1) * lda + ic + mc - 1];
        _ = packA[(whole + (whole < mc ? mr : 0)) * kc - 1];
        ref T source = ref MemoryMarshal.GetReference(a);
        ref T target = ref MemoryMarshal.GetReference(packA);
        uint runBytes = (uint)(mr * Unsafe.SizeOf<T>());
        for (int p = 0; p < kc; p++)
        {
            ref T row = ref Unsafe.Add(ref source, (pc + p) * lda + ic);
            if (Sse.IsSupported && p + PrefetchRows < kc)
                PrefetchRun(ref Unsafe.Add(ref row, PrefetchRows * lda), mc * Unsafe.SizeOf<T>());
            ref T slot = ref Unsafe.Add(ref target, p * mr);
            int ir = 0;
            for (; ir < whole; ir += mr)
            {
                Unsafe.CopyBlockUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref slot, ir * kc)),
                    ref Unsafe.As<T, byte>(ref Unsafe.Add(ref row, ir)), runBytes);
            }
            for (int r = 0; ir + r < mc; r++)
                Unsafe.Add(ref slot, ir * kc + r) = Unsafe.Add(ref row, ir + r);
        }
    }

    // Rows of A ahead of the one being copied; each is a page apart when lda is large, so the
    // hardware's stride prefetcher does not fetch them early (the pack waited on L3 misses).
    private const int PrefetchRows = 16;

    private static unsafe void PrefetchRun<T>(ref T start, int bytes)
    {
        byte* address = (byte*)Unsafe.AsPointer(ref start);
        for (int offset = 0; offset < bytes; offset += 64)
            Sse.Prefetch0(address + offset);
    }

    // packB[panel (j / nr)][p][j % nr] = op(B)(pc + p, jc + j), zero beyond the last column.
    private static void PackB<T>(bool transposeB, ReadOnlySpan<T> b, int ldb, int pc, int kc, int jc, int nc, int nr, Span<T> packB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            Span<T> panel = packB.Slice(jr * kc, kc * nr);
            int cols = Math.Min(nr, nc - jr);
            if (cols < nr)
                panel.Clear();
            if (transposeB)
            {
                // op(B) column q is B's row: the panel is the transpose of a cols × kc block of B.
                TransposeBlocks.Transpose(b.Slice((jc + jr) * ldb + pc), ldb, cols, kc, panel, nr);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                    b.Slice((pc + p) * ldb + jc + jr, cols).CopyTo(panel.Slice(p * nr, cols));
            }
        }
    }

    private static void Kernel<T>(int kc, ReadOnlySpan<T> panelA, ReadOnlySpan<T> panelB, Span<T> c, int ldc, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            Kernel512(kc, ref MemoryMarshal.GetReference(panelA), ref MemoryMarshal.GetReference(panelB), ref MemoryMarshal.GetReference(c), ldc, overwrite);
        else
            Kernel256(kc, ref MemoryMarshal.GetReference(panelA), ref MemoryMarshal.GetReference(panelB), ref MemoryMarshal.GetReference(c), ldc, overwrite);
    }

    // C[0..8, 0..2W] (+)= panelA (8 × kc) · panelB (kc × 2W): sixteen accumulators stay in registers.
    private static unsafe void Kernel512<T>(int kc, ref T a, ref T b, ref T c, int ldc, bool overwrite) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        nint nextPanel = kc * 2 * w * Unsafe.SizeOf<T>();
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        // The panels are walked by advancing references, which keeps index arithmetic out of the loop.
        ref T ap = ref a;
        ref T bp = ref b;
        for (int p = 0; p < kc; p++, ap = ref Unsafe.Add(ref ap, 8), bp = ref Unsafe.Add(ref bp, 2 * w))
        {
            Vector512<T> b0 = Vector512.LoadUnsafe(ref bp);
            Vector512<T> b1 = Vector512.LoadUnsafe(ref bp, (nuint)w);
            // A k-step reads two cache lines of the panel; fetch the same two of the next one into
            // L2 (into L1 they would evict the panel in use: measured on Zen 4, m=16 n=4096 k=1024
            // 68–86 GFLOP/s without, 78–88 into L1, 91–97 into L2; no change where B fits in L2).
            byte* ahead = (byte*)Unsafe.AsPointer(ref bp) + nextPanel;
            Sse.Prefetch1(ahead);
            Sse.Prefetch1(ahead + 64);
            Vector512<T> x = Vector512.Create(ap);
            c00 = Simd.Fma(x, b0, c00); c01 = Simd.Fma(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref ap, 1));
            c10 = Simd.Fma(x, b0, c10); c11 = Simd.Fma(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref ap, 2));
            c20 = Simd.Fma(x, b0, c20); c21 = Simd.Fma(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref ap, 3));
            c30 = Simd.Fma(x, b0, c30); c31 = Simd.Fma(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref ap, 4));
            c40 = Simd.Fma(x, b0, c40); c41 = Simd.Fma(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref ap, 5));
            c50 = Simd.Fma(x, b0, c50); c51 = Simd.Fma(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref ap, 6));
            c60 = Simd.Fma(x, b0, c60); c61 = Simd.Fma(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref ap, 7));
            c70 = Simd.Fma(x, b0, c70); c71 = Simd.Fma(x, b1, c71);
        }
        if (overwrite)
        {
            Simd.StorePair(ref c, 0, c00, c01, w);
            Simd.StorePair(ref c, ldc, c10, c11, w);
            Simd.StorePair(ref c, 2 * ldc, c20, c21, w);
            Simd.StorePair(ref c, 3 * ldc, c30, c31, w);
            Simd.StorePair(ref c, 4 * ldc, c40, c41, w);
            Simd.StorePair(ref c, 5 * ldc, c50, c51, w);
            Simd.StorePair(ref c, 6 * ldc, c60, c61, w);
            Simd.StorePair(ref c, 7 * ldc, c70, c71, w);
            return;
        }
        Simd.AddPair(ref c, 0, c00, c01, w);
        Simd.AddPair(ref c, ldc, c10, c11, w);
        Simd.AddPair(ref c, 2 * ldc, c20, c21, w);
        Simd.AddPair(ref c, 3 * ldc, c30, c31, w);
        Simd.AddPair(ref c, 4 * ldc, c40, c41, w);
        Simd.AddPair(ref c, 5 * ldc, c50, c51, w);
        Simd.AddPair(ref c, 6 * ldc, c60, c61, w);
        Simd.AddPair(ref c, 7 * ldc, c70, c71, w);
    }

    private static unsafe void Kernel256<T>(int kc, ref T a, ref T b, ref T c, int ldc, bool overwrite) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        nint nextPanel = kc * 2 * w * Unsafe.SizeOf<T>();
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        // The panels are walked by advancing references, which keeps index arithmetic out of the loop.
        ref T ap = ref a;
        ref T bp = ref b;
        for (int p = 0; p < kc; p++, ap = ref Unsafe.Add(ref ap, 6), bp = ref Unsafe.Add(ref bp, 2 * w))
        {
            Vector256<T> b0 = Vector256.LoadUnsafe(ref bp);
            Vector256<T> b1 = Vector256.LoadUnsafe(ref bp, (nuint)w);
            if (Sse.IsSupported)
                Sse.Prefetch0((byte*)Unsafe.AsPointer(ref bp) + nextPanel);
            Vector256<T> x = Vector256.Create(ap);
            c00 = Simd.Fma(x, b0, c00); c01 = Simd.Fma(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = Simd.Fma(x, b0, c10); c11 = Simd.Fma(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = Simd.Fma(x, b0, c20); c21 = Simd.Fma(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = Simd.Fma(x, b0, c30); c31 = Simd.Fma(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref ap, 4));
            c40 = Simd.Fma(x, b0, c40); c41 = Simd.Fma(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref ap, 5));
            c50 = Simd.Fma(x, b0, c50); c51 = Simd.Fma(x, b1, c51);
        }
        if (overwrite)
        {
            Simd.StorePair(ref c, 0, c00, c01, w);
            Simd.StorePair(ref c, ldc, c10, c11, w);
            Simd.StorePair(ref c, 2 * ldc, c20, c21, w);
            Simd.StorePair(ref c, 3 * ldc, c30, c31, w);
            Simd.StorePair(ref c, 4 * ldc, c40, c41, w);
            Simd.StorePair(ref c, 5 * ldc, c50, c51, w);
            return;
        }
        Simd.AddPair(ref c, 0, c00, c01, w);
        Simd.AddPair(ref c, ldc, c10, c11, w);
        Simd.AddPair(ref c, 2 * ldc, c20, c21, w);
        Simd.AddPair(ref c, 3 * ldc, c30, c31, w);
        Simd.AddPair(ref c, 4 * ldc, c40, c41, w);
        Simd.AddPair(ref c, 5 * ldc, c50, c51, w);
    }
}
