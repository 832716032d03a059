using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqGen.Numerics;

/// <summary>
/// Matrix transposes in 8 × 8 blocks: for float with AVX, each block is eight loads, three rounds
/// of shuffles and eight stores instead of 64 scalar moves. Packing weights for the GEMM and
/// laying them out for a pass both go through here.
/// </summary>
internal static class TransposeBlocks
{
    /// <summary>target[j · targetStride + i] = source[i · sourceStride + j] for i &lt; rows, j &lt; columns.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int sourceStride, int rows, int columns, Span<T> target, int targetStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows == 0 || columns == 0)
            return;
        // One bounds check for the whole region, so the blocks can use references.
        _ = source[(rows - 1) * sourceStride + columns - 1];
        _ = target[(columns - 1) * targetStride + rows - 1];
        // 64 × 64 tiles keep a tile's source and target rows in cache (and in the TLB) while its
        // blocks are moved. Target rows 2 KB or more apart fall into a few L1 sets, where 64 of
        // them half-written at once evict each other; tiles eight columns wide and 512 rows long
        // write eight target rows at a time, each line complete before the next (measured on
        // Zen 4: a 512 × 128 transpose 25 → 18 µs, 1024 × 256 130 → 93 µs).
        bool farTargets = (long)targetStride * Unsafe.SizeOf<T>() >= 2048;
        int tileRows = farTargets ? 512 : 64, tileColumns = farTargets ? Block : 64;
        for (int ti = 0; ti < rows; ti += tileRows)
        {
            for (int tj = 0; tj < columns; tj += tileColumns)
                TransposeTile(source, sourceStride, ti, Math.Min(rows, ti + tileRows), tj, Math.Min(columns, tj + tileColumns), target, targetStride);
        }
    }

    private static void TransposeTile<T>(ReadOnlySpan<T> source, int sourceStride, int rowStart, int rowEnd, int columnStart, int columnEnd,
        Span<T> target, int targetStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool vector = typeof(T) == typeof(float) && Avx.IsSupported;
        for (int i0 = rowStart; i0 < rowEnd; i0 += Block)
        {
            int i1 = Math.Min(rowEnd, i0 + Block);
            for (int j0 = columnStart; j0 < columnEnd; j0 += Block)
            {
                int j1 = Math.Min(columnEnd, j0 + Block);
                if (vector && j1 - j0 == Block && (i1 - i0 == Block || i1 - i0 == SixRows))
                {
                    ref float from = ref Unsafe.As<T, float>(ref Unsafe.Add(ref MemoryMarshal.GetReference(source), i0 * sourceStride + j0));
                    ref float to = ref Unsafe.As<T, float>(ref Unsafe.Add(ref MemoryMarshal.GetReference(target), j0 * targetStride + i0));
                    Float8x8(ref from, sourceStride, i1 - i0, ref to, targetStride);
                    continue;
                }
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                        target[j * targetStride + i] = source[i * sourceStride + j];
                }
            }
        }
    }

    private const int Block = 8;
    // The AVX2 GEMM packs its A operand in panels of six rows (PackedGemm's MR).
    private const int SixRows = 6;

    // Eight rows of eight, or six (the two missing rows transposed as zeros); each of the eight
    // columns is stored as its first six values (four, then two) when there are six, so nothing
    // past them is written.
    private static void Float8x8(ref float source, int sourceStride, int rows, ref float target, int targetStride)
    {
        bool eight = rows == Block;
        Transpose8x8(
            Vector256.LoadUnsafe(ref source),
            Vector256.LoadUnsafe(ref source, (nuint)sourceStride),
            Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride)),
            Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride)),
            Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride)),
            Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride)),
            eight ? Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride)) : Vector256<float>.Zero,
            eight ? Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride)) : Vector256<float>.Zero,
            out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        Store(c0, ref target, eight);
        Store(c1, ref Unsafe.Add(ref target, targetStride), eight);
        Store(c2, ref Unsafe.Add(ref target, 2 * targetStride), eight);
        Store(c3, ref Unsafe.Add(ref target, 3 * targetStride), eight);
        Store(c4, ref Unsafe.Add(ref target, 4 * targetStride), eight);
        Store(c5, ref Unsafe.Add(ref target, 5 * targetStride), eight);
        Store(c6, ref Unsafe.Add(ref target, 6 * targetStride), eight);
        Store(c7, ref Unsafe.Add(ref target, 7 * targetStride), eight);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> column, ref float target, bool eight)
    {
        if (eight)
        {
            column.StoreUnsafe(ref target);
            return;
        }
        column.GetLower().StoreUnsafe(ref target);
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref target, 4)), column.GetUpper().AsDouble().ToScalar());
    }

    // Interleave pairs of rows, then pairs of pairs (within 128-bit lanes), then swap lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
        out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(s0, s4, 0x20);
        c1 = Avx.Permute2x128(s1, s5, 0x20);
        c2 = Avx.Permute2x128(s2, s6, 0x20);
        c3 = Avx.Permute2x128(s3, s7, 0x20);
        c4 = Avx.Permute2x128(s0, s4, 0x31);
        c5 = Avx.Permute2x128(s1, s5, 0x31);
        c6 = Avx.Permute2x128(s2, s6, 0x31);
        c7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
