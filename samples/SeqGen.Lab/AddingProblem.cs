using System;
using SeqGen.Numerics;

namespace SeqGen.Lab;

/// <summary>
/// The adding problem (Hochreiter and Schmidhuber, 1997): each step gives a random value in
/// [0, 1) and a marker; exactly two steps are marked, one in each half of the sequence, and the
/// target is the sum of their two values. Predicting the mean (1) for every sequence scores
/// the baseline MSE of 1/6 ≈ 0.167; a cell that solves the task carries both values across the gap.
/// </summary>
internal sealed class AddingProblem(int length, SeededRandom random)
{
    public const int Features = 2;

    /// <summary>Mean squared error of always predicting 1 (the variance of a sum of two uniform values).</summary>
    public const double BaselineLoss = 1.0 / 6.0;

    public int Length { get; } = length >= 2 ? length : throw new ArgumentOutOfRangeException(nameof(length), length, "The adding problem needs sequences of at least 2 steps.");

    /// <summary>Fills <paramref name="inputs"/> ([T, B, 2]) and <paramref name="targets"/> ([B]) with a fresh batch.</summary>
    public void Fill(Span<float> inputs, Span<float> targets)
    {
        int batch = targets.Length;
        if (inputs.Length != Length * batch * Features)
            throw new ArgumentException($"inputs has {inputs.Length} elements; expected [{Length} x {batch} x {Features}].", nameof(inputs));
        inputs.Clear();
        int half = Length / 2;
        for (int b = 0; b < batch; b++)
        {
            int first = (int)(random.NextDouble() * half);
            int second = half + (int)(random.NextDouble() * (Length - half));
            float sum = 0;
            for (int t = 0; t < Length; t++)
            {
                float value = (float)random.NextDouble();
                int at = (t * batch + b) * Features;
                inputs[at] = value;
                if (t == first || t == second)
                {
                    inputs[at + 1] = 1;
                    sum += value;
                }
            }
            targets[b] = sum;
        }
    }
}
