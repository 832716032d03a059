using System;
using SeqGen.Model;

namespace SeqGen.Lab;

/// <summary>
/// How the gradient reaching a step shrinks or grows with its distance from the loss. The lecture's
/// picture: ‖∂L/∂h_k‖ behaves like γ^(t−k) with γ = ‖diag(f′) Uᵀ‖, vanishing for γ &lt; 1 and
/// exploding for γ &gt; 1; γ is measured here as the slope of log ‖∂L/∂h_k‖ against t − k.
/// </summary>
internal static class GradientDecay
{
    /// <summary>‖∂L/∂h_k‖ (mean over the batch) after a backward pass; entry d is at distance d = T−1−k from the last step.</summary>
    public static double[] Norms<T>(SequenceWorkspace<T> ws, int state, int length) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int batch = ws.Batch;
        var norms = new double[length];
        for (int k = 0; k < length; k++)
        {
            ReadOnlySpan<T> g = ws.StateGradient(state, k);
            int hidden = g.Length / batch;
            double total = 0;
            for (int b = 0; b < batch; b++)
            {
                double sum = 0;
                for (int j = 0; j < hidden; j++)
                {
                    double v = double.CreateChecked(g[b * hidden + j]);
                    sum += v * v;
                }
                total += Math.Sqrt(sum);
            }
            norms[length - 1 - k] = total / batch;
        }
        return norms;
    }

    /// <summary>
    /// exp of the least-squares slope of ln ‖∂L/∂h‖ against distance, over the distances whose norm
    /// is positive and finite (NaN when fewer than two are).
    /// </summary>
    public static double Gamma(ReadOnlySpan<double> norms)
    {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int d = 0; d < norms.Length; d++)
        {
            if (!(norms[d] > 0) || !double.IsFinite(norms[d]))
                continue;
            double y = Math.Log(norms[d]);
            n++;
            sx += d;
            sy += y;
            sxx += (double)d * d;
            sxy += d * y;
        }
        double denominator = n * sxx - sx * sx;
        return n < 2 || denominator == 0 ? double.NaN : Math.Exp((n * sxy - sx * sy) / denominator);
    }
}
