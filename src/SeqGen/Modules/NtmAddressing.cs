using System;
using System.Numerics;
using SeqGen.CompilerServices;
using SeqGen.Numerics;

namespace SeqGen.Modules;

// One head's addressing for one memory (Graves, Wayne and Danihelka 2014, section 3.3), forward
// and backward, over plain spans so each stage can be checked on its own:
//   content       wc = softmax(β · cos(k, M_i)),      β = softplus(β̂)
//   interpolation wg = g wc + (1 − g) w_prev,          g = sigmoid(ĝ)
//   shift         w̃_i = Σ_δ s_δ wg_(i−δ mod N), δ ∈ {−1, 0, +1}, s = softmax(ŝ)
//   sharpening    w_i = w̃_i^γ / Σ_j w̃_j^γ,           γ = 1 + softplus(γ̂)
// Numerically safe where the reference code gives NaN: a zero-norm key or row has cosine 0 (the
// denominator carries ε), w̃ = 0 contributes 0 to w^γ and to its log term, every softmax is
// shifted by its maximum, and softplus never overflows.
internal static class NtmAddressing
{
    public const double Epsilon = 1e-8;

    // The raw head outputs, in this order: k [M], β̂, ĝ, ŝ [3], γ̂.
    public static int Size(int width) => width + 6;

    // Everything backward needs from the forward of one head and row.
    public ref struct Cache<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Span<T> Cosine, RowNorm, Content, Gated, Shifted, Weights;
        public Span<T> Shift;
        public Span<T> Scalars; // ‖k‖, β, g, γ
    }

    public static int CacheSize(int slots) => 6 * slots + 3 + 4;

    public static Cache<T> Slice<T>(Span<T> buffer, int slots) where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        Cosine = buffer.Slice(0, slots),
        RowNorm = buffer.Slice(slots, slots),
        Content = buffer.Slice(2 * slots, slots),
        Gated = buffer.Slice(3 * slots, slots),
        Shifted = buffer.Slice(4 * slots, slots),
        Weights = buffer.Slice(5 * slots, slots),
        Shift = buffer.Slice(6 * slots, 3),
        Scalars = buffer.Slice(6 * slots + 3, 4),
    };

    public static void Forward<T>(ReadOnlySpan<T> memory, int width, ReadOnlySpan<T> head, ReadOnlySpan<T> previous, Cache<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> key = head.Slice(0, width);
        c.Scalars[0] = T.Sqrt(Gemm.Dot(key, key));
        c.Scalars[1] = VectorMath.Softplus(head[width]);
        c.Scalars[2] = VectorMath.Sigmoid(head[width + 1]);
        c.Scalars[3] = T.One + VectorMath.Softplus(head[width + 5]);
        Content(memory, width, key, c.Scalars[0], c.Scalars[1], c.Cosine, c.RowNorm, c.Content);
        Interpolate(c.Content, previous, c.Scalars[2], c.Gated);
        head.Slice(width + 2, 3).CopyTo(c.Shift);
        SpanMath.Softmax(c.Shift);
        Shift(c.Gated, c.Shift, c.Shifted);
        Sharpen(c.Shifted, c.Scalars[3], c.Weights);
    }

    // Given dw, adds to the gradients of the head's raw outputs, of w_prev and of the memory.
    public static void Backward<T>(ReadOnlySpan<T> memory, int slots, int width, ReadOnlySpan<T> head, ReadOnlySpan<T> previous, Cache<T> c,
        ReadOnlySpan<T> weightGradient, Span<T> headGradient, Span<T> previousGradient, Span<T> memoryGradient, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> dShifted = scratch.Slice(0, slots), dGated = scratch.Slice(slots, slots), dContent = scratch.Slice(2 * slots, slots);
        dShifted.Clear();
        headGradient[width + 5] += SharpenBackward<T>(c.Shifted, c.Scalars[3], c.Weights, weightGradient, dShifted) * VectorMath.Sigmoid(head[width + 5]);
        dGated.Clear();
        Span<T> dShift = stackalloc T[3];
        dShift.Clear();
        ShiftBackward<T>(c.Gated, c.Shift, dShifted, dGated, dShift);
        SoftmaxBackward<T>(c.Shift, dShift, headGradient.Slice(width + 2, 3));
        dContent.Clear();
        T g = c.Scalars[2];
        headGradient[width + 1] += InterpolateBackward<T>(c.Content, previous, g, dGated, dContent, previousGradient) * g * (T.One - g);
        headGradient[width] += ContentBackward(memory, width, head.Slice(0, width), c.Scalars[0], c.Scalars[1], c.Cosine, c.RowNorm, c.Content, dContent,
            headGradient.Slice(0, width), memoryGradient) * VectorMath.Sigmoid(head[width]);
    }

    // wc = softmax(β · K), K_i = (k · M_i) / (‖k‖ ‖M_i‖ + ε).
    public static void Content<T>(ReadOnlySpan<T> memory, int width, ReadOnlySpan<T> key, T keyNorm, T beta, Span<T> cosine, Span<T> rowNorm, Span<T> content)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T epsilon = T.CreateChecked(Epsilon);
        for (int i = 0; i < content.Length; i++)
        {
            ReadOnlySpan<T> row = memory.Slice(i * width, width);
            rowNorm[i] = T.Sqrt(Gemm.Dot(row, row));
            cosine[i] = Gemm.Dot(key, row) / (keyNorm * rowNorm[i] + epsilon);
            content[i] = beta * cosine[i];
        }
        SpanMath.Softmax(content);
    }

    // Adds to dk and dM; returns dβ.
    public static T ContentBackward<T>(ReadOnlySpan<T> memory, int width, ReadOnlySpan<T> key, T keyNorm, T beta, ReadOnlySpan<T> cosine, ReadOnlySpan<T> rowNorm,
        ReadOnlySpan<T> content, ReadOnlySpan<T> contentGradient, Span<T> keyGradient, Span<T> memoryGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T contentWeighted = T.Zero;
        for (int i = 0; i < content.Length; i++)
            contentWeighted += contentGradient[i] * content[i];
        T dBeta = T.Zero;
        T epsilon = T.CreateChecked(Epsilon);
        for (int i = 0; i < content.Length; i++)
        {
            T dz = content[i] * (contentGradient[i] - contentWeighted);
            dBeta += dz * cosine[i];
            T dCosine = dz * beta;
            // K = P / D, P = k · m, D = ‖k‖ ‖m‖ + ε.
            ReadOnlySpan<T> row = memory.Slice(i * width, width);
            Span<T> dRow = memoryGradient.Slice(i * width, width);
            T denominator = keyNorm * rowNorm[i] + epsilon;
            T dP = dCosine / denominator;
            T dD = -dCosine * cosine[i] / denominator;
            T keyScale = keyNorm > T.Zero ? dD * rowNorm[i] / keyNorm : T.Zero;
            T rowScale = rowNorm[i] > T.Zero ? dD * keyNorm / rowNorm[i] : T.Zero;
            for (int m = 0; m < width; m++)
            {
                keyGradient[m] += dP * row[m] + keyScale * key[m];
                dRow[m] += dP * key[m] + rowScale * row[m];
            }
        }
        return dBeta;
    }

    // wg = g wc + (1 − g) w_prev.
    public static void Interpolate<T>(ReadOnlySpan<T> content, ReadOnlySpan<T> previous, T g, Span<T> gated) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < gated.Length; i++)
            gated[i] = g * content[i] + (T.One - g) * previous[i];
    }

    // Adds to dwc and dw_prev; returns dg.
    public static T InterpolateBackward<T>(ReadOnlySpan<T> content, ReadOnlySpan<T> previous, T g, ReadOnlySpan<T> gatedGradient, Span<T> contentGradient, Span<T> previousGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T dG = T.Zero;
        for (int i = 0; i < gatedGradient.Length; i++)
        {
            contentGradient[i] += g * gatedGradient[i];
            previousGradient[i] += (T.One - g) * gatedGradient[i];
            dG += gatedGradient[i] * (content[i] - previous[i]);
        }
        return dG;
    }

    // Circular convolution with s over −1..+1: s[0] shifts by −1 (reads the next slot), s[1] keeps, s[2] shifts by +1.
    public static void Shift<T>(ReadOnlySpan<T> gated, ReadOnlySpan<T> shift, Span<T> shifted) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int slots = gated.Length;
        for (int i = 0; i < slots; i++)
            shifted[i] = shift[0] * gated[(i + 1) % slots] + shift[1] * gated[i] + shift[2] * gated[(i - 1 + slots) % slots];
    }

    // Adds to dwg and ds.
    public static void ShiftBackward<T>(ReadOnlySpan<T> gated, ReadOnlySpan<T> shift, ReadOnlySpan<T> shiftedGradient, Span<T> gatedGradient, Span<T> shiftGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int slots = gated.Length;
        for (int i = 0; i < slots; i++)
        {
            int next = (i + 1) % slots, last = (i - 1 + slots) % slots;
            gatedGradient[next] += shiftedGradient[i] * shift[0];
            gatedGradient[i] += shiftedGradient[i] * shift[1];
            gatedGradient[last] += shiftedGradient[i] * shift[2];
            shiftGradient[0] += shiftedGradient[i] * gated[next];
            shiftGradient[1] += shiftedGradient[i] * gated[i];
            shiftGradient[2] += shiftedGradient[i] * gated[last];
        }
    }

    // w_i = w̃_i^γ / Σ_j w̃_j^γ; a w̃ of 0 contributes 0 (and no NaN from its log); all zero gives uniform.
    public static void Sharpen<T>(ReadOnlySpan<T> shifted, T gamma, Span<T> weights) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = PowerSum(shifted, gamma, weights);
        if (total == T.Zero)
        {
            weights.Fill(T.One / T.CreateChecked(weights.Length));
            return;
        }
        for (int i = 0; i < weights.Length; i++)
            weights[i] /= total;
    }

    // Adds to dw̃; returns dγ.
    public static T SharpenBackward<T>(ReadOnlySpan<T> shifted, T gamma, ReadOnlySpan<T> weights, ReadOnlySpan<T> weightGradient, Span<T> shiftedGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T weighted = T.Zero, total = T.Zero;
        for (int i = 0; i < shifted.Length; i++)
        {
            weighted += weightGradient[i] * weights[i];
            total += shifted[i] > T.Zero ? T.Pow(shifted[i], gamma) : T.Zero;
        }
        T dGamma = T.Zero;
        if (total == T.Zero)
            return dGamma;
        for (int i = 0; i < shifted.Length; i++)
        {
            if (shifted[i] <= T.Zero)
                continue;
            // w = u / Σu with u = w̃^γ.
            T du = (weightGradient[i] - weighted) / total;
            shiftedGradient[i] += du * gamma * T.Pow(shifted[i], gamma - T.One);
            dGamma += du * T.Pow(shifted[i], gamma) * T.Log(shifted[i]);
        }
        return dGamma;
    }

    private static T PowerSum<T>(ReadOnlySpan<T> values, T gamma, Span<T> powers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < values.Length; i++)
        {
            powers[i] = values[i] > T.Zero ? T.Pow(values[i], gamma) : T.Zero;
            total += powers[i];
        }
        return total;
    }

    // dx += p ⊙ (dp − Σ dp p).
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> dp, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T weighted = T.Zero;
        for (int i = 0; i < p.Length; i++)
            weighted += dp[i] * p[i];
        for (int i = 0; i < p.Length; i++)
            dx[i] += p[i] * (dp[i] - weighted);
    }
}
