using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SeqGen.Numerics;

// Whole-buffer arithmetic of the training loop (norms, scaling, clamping), in Vector<T> with a scalar tail.
internal static class SpanMath
{
    // Σ x², accumulated in double whatever T is (a float sum over millions of gradients drifts).
    public static double SumOfSquares<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && typeof(T) == typeof(float))
        {
            ReadOnlySpan<float> f = MemoryMarshal.Cast<T, float>(x);
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
            for (; i <= f.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(f.Slice(i)), out Vector<double> a, out Vector<double> b);
                low += a * a;
                high += b * b;
            }
            sum = Vector.Sum(low + high);
        }
        else if (Vector.IsHardwareAccelerated && typeof(T) == typeof(double))
        {
            ReadOnlySpan<double> d = MemoryMarshal.Cast<T, double>(x);
            Vector<double> acc = Vector<double>.Zero;
            for (; i <= d.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = new Vector<double>(d.Slice(i));
                acc += v * v;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            double value = double.CreateChecked(x[i]);
            sum += value * value;
        }
        return sum;
    }

    // x *= a.
    public static void Scale<T>(Span<T> x, T a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var scale = new Vector<T>(a);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                (new Vector<T>(x.Slice(i)) * scale).CopyTo(x.Slice(i));
        }
        for (; i < x.Length; i++)
            x[i] *= a;
    }

    // x = clamp(x, −limit, limit).
    public static void Clamp<T>(Span<T> x, T limit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            Vector<T> high = new(limit), low = new(-limit);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.Min(Vector.Max(new Vector<T>(x.Slice(i)), low), high).CopyTo(x.Slice(i));
        }
        for (; i < x.Length; i++)
            x[i] = T.Clamp(x[i], -limit, limit);
    }

    // x = softmax(x), shifted by its maximum so that no exponent overflows.
    public static void Softmax<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.IsEmpty)
            return;
        T max = values[0];
        for (int i = 1; i < values.Length; i++)
            max = T.Max(max, values[i]);
        T sum = T.Zero;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.Exp(values[i] - max);
            sum += values[i];
        }
        for (int i = 0; i < values.Length; i++)
            values[i] /= sum;
    }
}
