using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>Gradient clipping over the trainable parameters of some modules, as PyTorch's clip_grad_norm_ and clip_grad_value_.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by max_norm / (norm + 1e-6) when their global L2 norm exceeds
    /// <paramref name="maxNorm"/>, and returns the norm before clipping. With
    /// <paramref name="errorIfNonFinite"/> a NaN or infinite norm throws instead of spreading.
    /// </summary>
    public static double ByGlobalNorm<T>(IReadOnlyList<IParameterized<T>> modules, double maxNorm, bool errorIfNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a non-negative number.");
        double sum = 0;
        for (int m = 0; m < modules.Count; m++)
        {
            IParameterized<T> module = modules[m];
            for (int p = 0; p < module.ParameterInfos.Count; p++)
            {
                ParameterInfo info = module.ParameterInfos[p];
                if (!info.Trainable)
                    continue;
                ReadOnlySpan<T> g = module.Gradients.AsSpan(info.Offset, info.Length);
                for (int i = 0; i < g.Length; i++)
                {
                    double value = double.CreateChecked(g[i]);
                    sum += value * value;
                }
            }
        }
        double norm = Math.Sqrt(sum);
        if (!double.IsFinite(norm) && errorIfNonFinite)
            throw new ArithmeticException($"The total gradient norm is {norm}; clipping it would make every gradient non-finite.");
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
            Transform(modules, T.CreateChecked(coefficient), scale: true);
        return norm;
    }

    /// <summary>Clamps every gradient element into [-<paramref name="limit"/>, <paramref name="limit"/>].</summary>
    public static void ByValue<T>(IReadOnlyList<IParameterized<T>> modules, double limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (!(limit >= 0))
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be a non-negative number.");
        Transform(modules, T.CreateChecked(limit), scale: false);
    }

    // Scales every trainable gradient by a, or clamps it into [-a, a]; loops, not delegates, so a
    // training step allocates nothing.
    private static void Transform<T>(IReadOnlyList<IParameterized<T>> modules, T a, bool scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int m = 0; m < modules.Count; m++)
        {
            IParameterized<T> module = modules[m];
            for (int p = 0; p < module.ParameterInfos.Count; p++)
            {
                ParameterInfo info = module.ParameterInfos[p];
                if (!info.Trainable)
                    continue;
                Span<T> g = module.Gradients.AsSpan(info.Offset, info.Length);
                for (int i = 0; i < g.Length; i++)
                    g[i] = scale ? g[i] * a : T.Clamp(g[i], -a, a);
            }
        }
    }
}
