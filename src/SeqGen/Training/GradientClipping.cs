using System;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Training;

/// <summary>Gradient clipping over the trainable parameters of a module tree, as PyTorch's clip_grad_norm_ and clip_grad_value_.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by max_norm / (norm + 1e-6) when their global L2 norm exceeds
    /// <paramref name="maxNorm"/>, and returns the norm before clipping. With
    /// <paramref name="errorIfNonFinite"/> a NaN or infinite norm throws instead of spreading.
    /// </summary>
    public static double ByGlobalNorm<T>(Module<T> model, double maxNorm, bool errorIfNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a non-negative number.");
        double sum = 0;
        foreach (NamedParameter<T> parameter in model.Flatten())
        {
            if (!parameter.Trainable)
                continue;
            sum += SpanMath.SumOfSquares<T>(parameter.Gradient);
        }
        double norm = Math.Sqrt(sum);
        if (!double.IsFinite(norm) && errorIfNonFinite)
            throw new ArithmeticException($"The total gradient norm is {norm}; clipping it would make every gradient non-finite.");
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
            Transform(model, T.CreateChecked(coefficient), scale: true);
        return norm;
    }

    /// <summary>Clamps every gradient element into [-<paramref name="limit"/>, <paramref name="limit"/>].</summary>
    public static void ByValue<T>(Module<T> model, double limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(limit >= 0))
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be a non-negative number.");
        Transform(model, T.CreateChecked(limit), scale: false);
    }

    // Scales every trainable gradient by a, or clamps it into [-a, a]; loops, not delegates, so a
    // training step allocates nothing.
    private static void Transform<T>(Module<T> model, T a, bool scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (NamedParameter<T> parameter in model.Flatten())
        {
            if (!parameter.Trainable)
                continue;
            if (scale)
                SpanMath.Scale(parameter.Gradient, a);
            else
                SpanMath.Clamp(parameter.Gradient, a);
        }
    }
}
