using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SeqGen.CompilerServices;

/// <summary>
/// The cell language's functions on <see cref="Vector{T}"/> and on scalars, for float and double.
/// Generated fused loops call the vector overloads in their body and the scalar ones in their
/// tail, with the same text, so both compute the same function.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VectorMath
{
    /// <summary>exp(x); in float computed in float (see ExpSingle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return ExpSingle(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Exp(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException("SeqGen computes in float or double.");
    }

    /// <summary>
    /// exp in float, computed in float (the library's Vector.Exp widens to double, at three times
    /// the cost): 2^n · (1 + expm1(r)) (see ExpReduced), with 2^n applied as two powers of two,
    /// so results that overflow give +∞ and those below the normal range round to subnormals and
    /// 0 as they should.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpSingle(Vector<float> x)
    {
        // Native min/max and conversion are single instructions; NaN is restored at the end.
        Vector<float> clamped = Vector.MinNative(Vector.MaxNative(x, new Vector<float>(-104f)), new Vector<float>(89f));
        Vector<float> y = ExpReduced(clamped, out Vector<float> shifted) + Vector<float>.One;
        Vector<int> exponent = Vector.AsVectorInt32(shifted) - Vector.AsVectorInt32(new Vector<float>(RoundingShifter));
        Vector<int> half = Vector.ShiftRightArithmetic(exponent, 1);
        Vector<float> result = y * PowerOfTwo(half) * PowerOfTwo(exponent - half);
        // NaN in, NaN out (the clamp would have turned it into a number).
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>
    /// 1.5·2^23 + 127: x / ln 2 + this rounds to the nearest integer n, and the float's bits are
    /// then those of this constant plus n, so shifting them left by 23 gives 2^n's (see ScaleOf).
    /// </summary>
    private const float RoundingShifter = 12583039f;

    /// <summary>
    /// The shared core of exp, sigmoid and tanh in float: x = n·ln 2 + r with n = round(x / ln 2)
    /// and r in [−ln 2 / 2, ln 2 / 2] taken in two parts (Cody and Waite); returns expm1(r) by
    /// Cephes' degree-6 polynomial, r + r²·P(r), which keeps its relative accuracy near r = 0.
    /// P is evaluated in Estrin's scheme: these functions run as long dependency chains, and the
    /// core's depth, not its count of instructions, is what bounds a loop of them.
    /// <paramref name="shifted"/> carries n for <see cref="ScaleOf"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpReduced(Vector<float> x, out Vector<float> shifted)
    {
        Vector<float> shifter = new(RoundingShifter);
        shifted = Vector.FusedMultiplyAdd(x, new Vector<float>(1.44269504088896341f), shifter);
        Vector<float> n = shifted - shifter;
        Vector<float> r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        Vector<float> r2 = r * r;
        Vector<float> low = Vector.FusedMultiplyAdd(new Vector<float>(1.6666665459E-1f), r, new Vector<float>(5.0000001201E-1f));
        Vector<float> middle = Vector.FusedMultiplyAdd(new Vector<float>(8.3334519073E-3f), r, new Vector<float>(4.1665795894E-2f));
        Vector<float> high = Vector.FusedMultiplyAdd(new Vector<float>(1.9875691500E-4f), r, new Vector<float>(1.3981999507E-3f));
        Vector<float> p = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(high, r2, middle), r2, low);
        return Vector.FusedMultiplyAdd(p, r2, r);
    }

    /// <summary>2^n from ExpReduced's shifted value, for n in [−126, 127]; n = 128 gives +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ScaleOf(Vector<float> shifted) => Vector.AsVectorSingle(Vector.ShiftLeft(Vector.AsVectorInt32(shifted), 23));

    /// <summary>2^n as a float, for n in [−126, 127].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> PowerOfTwo(Vector<int> n) => Vector.AsVectorSingle(Vector.ShiftLeft(n + new Vector<int>(127), 23));

    /// <summary>
    /// 1 / (1 + exp(−x)) in float with exp(−x) scaled by one power of two: −x is clamped to
    /// [−87.3, 88.7], so n ≤ 128, and n = 128 (−x ≥ 88.38) gives exp(−x) = +∞ and the result 0,
    /// where the exact value is below 4·10⁻³⁹ (subnormal); above it the result is within a few
    /// ulp, subnormals included. The clamps take their constant first, so that x86's min and max,
    /// which return their second operand when one is NaN, pass NaN on (as ARM's do anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> SigmoidSingle(Vector<float> x)
    {
        Vector<float> clamped = Vector.MinNative(new Vector<float>(88.7f), Vector.MaxNative(new Vector<float>(-87.3f), -x));
        Vector<float> q = ExpReduced(clamped, out Vector<float> shifted);
        return Vector<float>.One / (Vector<float>.One + (q + Vector<float>.One) * ScaleOf(shifted));
    }

    /// <summary>
    /// tanh in float from one expm1: with u = expm1(−2|x|) = (2^n − 1) + 2^n·expm1(r), both terms
    /// exact or small, tanh |x| = u / (−2 − u), which neither cancels near 0 nor loses the
    /// saturation (−2|x| is clamped at −18, where the result rounds to 1); the sign is copied
    /// back. Within 2.5 ulp everywhere; NaN passes through the clamp as in SigmoidSingle.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> TanhSingle(Vector<float> x)
    {
        Vector<float> y = Vector.MaxNative(new Vector<float>(-18f), Vector.Abs(x) * new Vector<float>(-2f));
        Vector<float> q = ExpReduced(y, out Vector<float> shifted);
        Vector<float> scale = ScaleOf(shifted);
        Vector<float> u = Vector.FusedMultiplyAdd(scale, q, scale - Vector<float>.One);
        return Vector.CopySign(u / (new Vector<float>(-2f) - u), x);
    }

    /// <summary>The natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.Log(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Log(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException("SeqGen computes in float or double.");
    }

    /// <summary>exp(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);

    /// <summary>The natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);

    /// <summary>1 / (1 + exp(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sigmoid<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? SigmoidSingle(x.As<T, float>()).As<float, T>() : Vector<T>.One / (Vector<T>.One + Exp(-x));

    /// <summary>1 / (1 + exp(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    /// <summary>
    /// tanh with a few ulp of error everywhere. Float: see TanhSingle. Double: Cephes' rational
    /// function for |x| &lt; 0.625, where 1 − 2 / (exp(2|x|) + 1) would cancel, and that formula,
    /// which saturates correctly, elsewhere; the sign is copied back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Tanh<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return TanhSingle(x.As<T, float>()).As<float, T>();
        Vector<T> one = Vector<T>.One;
        Vector<T> a = Vector.Abs(x);
        Vector<T> large = one - (one + one) / (Exp(a + a) + one);
        Vector<T> z = x * x;
        Vector<T> p = (C<T>(-9.64399179425052238628E-1) * z - C<T>(9.92877231001918586564E1)) * z - C<T>(1.61468768441708447952E3);
        Vector<T> q = ((z + C<T>(1.12811678491632931402E2)) * z + C<T>(2.23548839060100448583E3)) * z + C<T>(4.84406305325125486048E3);
        Vector<T> small = x + x * z * p / q;
        Vector<T> signedLarge = Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), -large, large);
        return Vector.ConditionalSelect(Vector.LessThan(a, C<T>(0.625)), small, signedLarge);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> C<T>(double value) where T : unmanaged, IFloatingPointIeee754<T> => new(T.CreateTruncating(value));

    /// <summary>log(1 + u) accurate for small u: log(w)·u/(w − 1) with w = 1 + u (Goldberg's correction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LogOnePlus<T>(Vector<T> u) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> w = Vector<T>.One + u;
        Vector<T> d = w - Vector<T>.One;
        Vector<T> corrected = Log(w) * u / d;
        return Vector.ConditionalSelect(Vector.Equals(d, Vector<T>.Zero), u, corrected);
    }

    /// <summary>tanh(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);

    /// <summary>max(x, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Relu<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Vector.Max(x, Vector<T>.Zero);

    /// <summary>max(x, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Relu<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.Zero;

    /// <summary>log(1 + exp(x)) computed as max(x, 0) + log1p(exp(-|x|)), which never overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Softplus<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.Max(x, Vector<T>.Zero) + LogOnePlus(Exp(-Vector.Abs(x)));

    /// <summary>log(1 + exp(x)), without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));

    /// <summary>silu(x) = x · sigmoid(x) (the swish of Ramachandran et al. with β = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Silu<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x * Sigmoid(x);

    /// <summary>silu(x) = x · sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Silu<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x * Sigmoid(x);

    /// <summary>d silu / dx = s · (1 + x · (1 − s)) with s = sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> SiluDerivative<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> s = Sigmoid(x);
        return s * (Vector<T>.One + x * (Vector<T>.One - s));
    }

    /// <summary>d silu / dx = s · (1 + x · (1 − s)) with s = sigmoid(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SiluDerivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = Sigmoid(x);
        return s * (T.One + x * (T.One - s));
    }

    /// <summary>softsign(x) = x / (1 + |x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Softsign<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> => x / (Vector<T>.One + Vector.Abs(x));

    /// <summary>softsign(x) = x / (1 + |x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softsign<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x / (T.One + T.Abs(x));

    /// <summary>d softsign / dx = 1 / (1 + |x|)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> SoftsignDerivative<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> a = Vector<T>.One + Vector.Abs(x);
        return Vector<T>.One / (a * a);
    }

    /// <summary>d softsign / dx = 1 / (1 + |x|)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SoftsignDerivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.One + T.Abs(x);
        return T.One / (a * a);
    }

    /// <summary>The derivative of relu at x applied to d: d where x &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> PassWherePositive<T>(Vector<T> x, Vector<T> d) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), d, Vector<T>.Zero);

    /// <summary>The derivative of relu at x applied to d: d where x &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T PassWherePositive<T>(T x, T d) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? d : T.Zero;

    /// <summary>Adds <paramref name="value"/> to the elements of <paramref name="target"/> at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTo<T>(T[] target, int index, Vector<T> value) where T : unmanaged, IFloatingPointIeee754<T> =>
        (new Vector<T>(target, index) + value).CopyTo(target, index);

    /// <summary>
    /// layernorm of one row: y = (x − mean(x)) / sqrt(var(x) + 1e-5), the population variance over
    /// the row; returns 1 / sqrt(var + 1e-5) for the backward.
    /// </summary>
    public static T LayerNormRow<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(x.Length);
        T mean = Sum(x) / count;
        var meanVector = new Vector<T>(mean);
        var squares = Vector<T>.Zero;
        int j = 0;
        for (; j <= x.Length - Vector<T>.Count; j += Vector<T>.Count)
        {
            Vector<T> centred = new Vector<T>(x.Slice(j)) - meanVector;
            squares += centred * centred;
        }
        T variance = Vector.Sum(squares);
        for (; j < x.Length; j++)
            variance += (x[j] - mean) * (x[j] - mean);
        T rstd = T.One / T.Sqrt(variance / count + T.CreateTruncating(1e-5));
        var rstdVector = new Vector<T>(rstd);
        j = 0;
        for (; j <= x.Length - Vector<T>.Count; j += Vector<T>.Count)
            ((new Vector<T>(x.Slice(j)) - meanVector) * rstdVector).CopyTo(y.Slice(j));
        for (; j < x.Length; j++)
            y[j] = (x[j] - mean) * rstd;
        return rstd;
    }

    /// <summary>The backward of <see cref="LayerNormRow{T}"/>: dx += rstd · (dy − mean(dy) − y · mean(dy · y)).</summary>
    public static void LayerNormRowBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, T rstd, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(y.Length);
        var sumDy = Vector<T>.Zero;
        var sumDyY = Vector<T>.Zero;
        int j = 0;
        for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
        {
            var d = new Vector<T>(dy.Slice(j));
            sumDy += d;
            sumDyY += d * new Vector<T>(y.Slice(j));
        }
        T meanDy = Vector.Sum(sumDy), meanDyY = Vector.Sum(sumDyY);
        for (; j < y.Length; j++)
        {
            meanDy += dy[j];
            meanDyY += dy[j] * y[j];
        }
        meanDy /= count;
        meanDyY /= count;
        var rstdVector = new Vector<T>(rstd);
        var meanDyVector = new Vector<T>(meanDy);
        var meanDyYVector = new Vector<T>(meanDyY);
        j = 0;
        for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
            (new Vector<T>(dx.Slice(j)) + rstdVector * (new Vector<T>(dy.Slice(j)) - meanDyVector - new Vector<T>(y.Slice(j)) * meanDyYVector)).CopyTo(dx.Slice(j));
        for (; j < y.Length; j++)
            dx[j] += rstd * (dy[j] - meanDy - y[j] * meanDyY);
    }

    private static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = Vector<T>.Zero;
        int j = 0;
        for (; j <= x.Length - Vector<T>.Count; j += Vector<T>.Count)
            sum += new Vector<T>(x.Slice(j));
        T total = Vector.Sum(sum);
        for (; j < x.Length; j++)
            total += x[j];
        return total;
    }
}
