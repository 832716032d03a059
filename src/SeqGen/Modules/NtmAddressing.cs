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

    public static void Forward<T>(ReadOnlySpan<T> memory, int slots, int width, ReadOnlySpan<T> head, ReadOnlySpan<T> previous, Cache<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> key = head.Slice(0, width);
        T keyNorm = T.Sqrt(Gemm.Dot(key, key));
        T beta = VectorMath.Softplus(head[width]), g = VectorMath.Sigmoid(head[width + 1]), gamma = T.One + VectorMath.Softplus(head[width + 5]);
        c.Scalars[0] = keyNorm;
        c.Scalars[1] = beta;
        c.Scalars[2] = g;
        c.Scalars[3] = gamma;
        T epsilon = T.CreateChecked(Epsilon);
        for (int i = 0; i < slots; i++)
        {
            ReadOnlySpan<T> row = memory.Slice(i * width, width);
            c.RowNorm[i] = T.Sqrt(Gemm.Dot(row, row));
            c.Cosine[i] = Gemm.Dot(key, row) / (keyNorm * c.RowNorm[i] + epsilon);
            c.Content[i] = beta * c.Cosine[i];
        }
        SpanMath.Softmax(c.Content);
        for (int i = 0; i < slots; i++)
            c.Gated[i] = g * c.Content[i] + (T.One - g) * previous[i];
        head.Slice(width + 2, 3).CopyTo(c.Shift);
        SpanMath.Softmax(c.Shift);
        for (int i = 0; i < slots; i++)
        {
            // s[0] shifts by −1 (reads the next slot), s[1] keeps, s[2] shifts by +1.
            c.Shifted[i] = c.Shift[0] * c.Gated[(i + 1) % slots] + c.Shift[1] * c.Gated[i] + c.Shift[2] * c.Gated[(i - 1 + slots) % slots];
        }
        T total = T.Zero;
        for (int i = 0; i < slots; i++)
        {
            c.Weights[i] = c.Shifted[i] > T.Zero ? T.Pow(c.Shifted[i], gamma) : T.Zero;
            total += c.Weights[i];
        }
        // All w̃ underflowed: fall back to uniform rather than divide by zero.
        if (total == T.Zero)
        {
            c.Weights.Fill(T.One / T.CreateChecked(slots));
            return;
        }
        for (int i = 0; i < slots; i++)
            c.Weights[i] /= total;
    }

    // Given dw, adds to the gradients of the head's raw outputs, of w_prev and of the memory.
    public static void Backward<T>(ReadOnlySpan<T> memory, int slots, int width, ReadOnlySpan<T> head, ReadOnlySpan<T> previous, Cache<T> c,
        ReadOnlySpan<T> weightGradient, Span<T> headGradient, Span<T> previousGradient, Span<T> memoryGradient, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> key = head.Slice(0, width);
        T keyNorm = c.Scalars[0], beta = c.Scalars[1], g = c.Scalars[2], gamma = c.Scalars[3];
        Span<T> dShifted = scratch.Slice(0, slots), dGated = scratch.Slice(slots, slots), dContent = scratch.Slice(2 * slots, slots);
        // Sharpening: w = u / Σu with u = w̃^γ.
        T weighted = T.Zero;
        for (int i = 0; i < slots; i++)
            weighted += weightGradient[i] * c.Weights[i];
        T total = T.Zero;
        for (int i = 0; i < slots; i++)
            total += c.Shifted[i] > T.Zero ? T.Pow(c.Shifted[i], gamma) : T.Zero;
        T dGamma = T.Zero;
        for (int i = 0; i < slots; i++)
        {
            if (total == T.Zero || c.Shifted[i] <= T.Zero)
            {
                dShifted[i] = T.Zero;
                continue;
            }
            T du = (weightGradient[i] - weighted) / total;
            dShifted[i] = du * gamma * T.Pow(c.Shifted[i], gamma - T.One);
            dGamma += du * T.Pow(c.Shifted[i], gamma) * T.Log(c.Shifted[i]);
        }
        headGradient[width + 5] += dGamma * VectorMath.Sigmoid(head[width + 5]);
        // Shift.
        dGated.Clear();
        Span<T> dShift = stackalloc T[3];
        dShift.Clear();
        for (int i = 0; i < slots; i++)
        {
            int next = (i + 1) % slots, last = (i - 1 + slots) % slots;
            dGated[next] += dShifted[i] * c.Shift[0];
            dGated[i] += dShifted[i] * c.Shift[1];
            dGated[last] += dShifted[i] * c.Shift[2];
            dShift[0] += dShifted[i] * c.Gated[next];
            dShift[1] += dShifted[i] * c.Gated[i];
            dShift[2] += dShifted[i] * c.Gated[last];
        }
        SoftmaxBackward(c.Shift, dShift, headGradient.Slice(width + 2, 3));
        // Interpolation.
        T dG = T.Zero;
        for (int i = 0; i < slots; i++)
        {
            dContent[i] = g * dGated[i];
            previousGradient[i] += (T.One - g) * dGated[i];
            dG += dGated[i] * (c.Content[i] - previous[i]);
        }
        headGradient[width + 1] += dG * g * (T.One - g);
        // Content: wc = softmax(β K); dz = wc ⊙ (dwc − Σ dwc wc).
        T contentWeighted = T.Zero;
        for (int i = 0; i < slots; i++)
            contentWeighted += dContent[i] * c.Content[i];
        T dBeta = T.Zero;
        T epsilon = T.CreateChecked(Epsilon);
        Span<T> dKey = headGradient.Slice(0, width);
        for (int i = 0; i < slots; i++)
        {
            T dz = c.Content[i] * (dContent[i] - contentWeighted);
            dBeta += dz * c.Cosine[i];
            T dCosine = dz * beta;
            // K = P / D, P = k · m, D = ‖k‖ ‖m‖ + ε.
            ReadOnlySpan<T> row = memory.Slice(i * width, width);
            Span<T> dRow = memoryGradient.Slice(i * width, width);
            T denominator = keyNorm * c.RowNorm[i] + epsilon;
            T dP = dCosine / denominator;
            T dD = -dCosine * c.Cosine[i] / denominator;
            T keyScale = keyNorm > T.Zero ? dD * c.RowNorm[i] / keyNorm : T.Zero;
            T rowScale = c.RowNorm[i] > T.Zero ? dD * keyNorm / c.RowNorm[i] : T.Zero;
            for (int m = 0; m < width; m++)
            {
                dKey[m] += dP * row[m] + keyScale * key[m];
                dRow[m] += dP * key[m] + rowScale * row[m];
            }
        }
        headGradient[width] += dBeta * VectorMath.Sigmoid(head[width]);
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
