using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SeqGen.Numerics;

/// <summary>The fused multiply-add and row updates shared by the GEMM kernels, for float and double.</summary>
internal static class Simd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <summary>Adds two vectors to the 2·w elements starting <paramref name="offset"/> after <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddPair<T>(ref T c, int offset, Vector512<T> left, Vector512<T> right, int w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T row = ref Unsafe.Add(ref c, offset);
        (Vector512.LoadUnsafe(ref row) + left).StoreUnsafe(ref row);
        (Vector512.LoadUnsafe(ref row, (nuint)w) + right).StoreUnsafe(ref row, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddPair<T>(ref T c, int offset, Vector256<T> left, Vector256<T> right, int w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T row = ref Unsafe.Add(ref c, offset);
        (Vector256.LoadUnsafe(ref row) + left).StoreUnsafe(ref row);
        (Vector256.LoadUnsafe(ref row, (nuint)w) + right).StoreUnsafe(ref row, (nuint)w);
    }

    /// <summary>Stores two vectors as the 2·w elements starting <paramref name="offset"/> after <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePair<T>(ref T c, int offset, Vector512<T> left, Vector512<T> right, int w) where T : unmanaged
    {
        ref T row = ref Unsafe.Add(ref c, offset);
        left.StoreUnsafe(ref row);
        right.StoreUnsafe(ref row, (nuint)w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePair<T>(ref T c, int offset, Vector256<T> left, Vector256<T> right, int w) where T : unmanaged
    {
        ref T row = ref Unsafe.Add(ref c, offset);
        left.StoreUnsafe(ref row);
        right.StoreUnsafe(ref row, (nuint)w);
    }
}
