using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SeqGen.Numerics;

/// <summary>
/// The cell language's functions on <see cref="Vector{T}"/> and on scalars, for float and double.
/// Generated fused loops call the vector overloads in their body and the scalar ones in their
/// tail, with the same text, so both compute the same function.
/// </summary>
public static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.Exp(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Exp(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException("SeqGen computes in float or double.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.Log(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Log(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException("SeqGen computes in float or double.");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sigmoid<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector<T>.One / (Vector<T>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    // tanh(x) = 1 - 2 / (exp(2x) + 1) saturates correctly at both ends (exp overflows to +inf or
    // underflows to 0); its absolute error near 0 is a few ulp of 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Tanh<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> one = Vector<T>.One;
        return one - (one + one) / (Exp(x + x) + one);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Relu<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector.Max(x, Vector<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Relu<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;

    /// <summary>log(1 + exp(x)) computed as max(x, 0) + log(1 + exp(-|x|)), which never overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Softplus<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.Max(x, Vector<T>.Zero) + Log(Vector<T>.One + Exp(-Vector.Abs(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.Max(x, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(x)));

    /// <summary>The derivative of relu at x applied to d: d where x &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> PassWherePositive<T>(Vector<T> x, Vector<T> d) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), d, Vector<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PassWherePositive<T>(T x, T d) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? d : T.Zero;

    /// <summary>Adds <paramref name="value"/> to the elements of <paramref name="target"/> at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo<T>(T[] target, int index, Vector<T> value) where T : unmanaged, IFloatingPointIeee754<T> =>
        (new Vector<T>(target, index) + value).CopyTo(target, index);
}
