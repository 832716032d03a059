using System;
using System.Numerics;
using SeqGen.Numerics;

namespace SeqGen.Training;

/// <summary>Evaluation metrics and sampling from a model's outputs.</summary>
public static class Metrics
{
    /// <summary>The index of the largest value (the first of equal ones).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.IsEmpty)
            throw new ArgumentException("values is empty.", nameof(values));
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }

    /// <summary>
    /// The fraction of rows of <paramref name="logits"/> ([targets.Length, classes]) whose largest
    /// value is the target class; rows whose target is <paramref name="ignoreIndex"/> are left out.
    /// </summary>
    public static double Accuracy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int classes, int ignoreIndex = -100)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be at least 1.");
        if (logits.Length != targets.Length * classes)
            throw new ArgumentException($"logits has {logits.Length} elements; expected [{targets.Length} x {classes}] = {targets.Length * classes} (targets.Length x classes).", nameof(logits));
        int counted = 0, correct = 0;
        for (int r = 0; r < targets.Length; r++)
        {
            if (targets[r] == ignoreIndex)
                continue;
            counted++;
            if (ArgMax(logits.Slice(r * classes, classes)) == targets[r])
                correct++;
        }
        return counted == 0 ? 0 : (double)correct / counted;
    }

    /// <summary>Perplexity, exp of the mean cross-entropy in nats per token.</summary>
    public static double Perplexity(double meanCrossEntropy) => Math.Exp(meanCrossEntropy);

    /// <summary>
    /// Draws a class from softmax(<paramref name="logits"/> / <paramref name="temperature"/>);
    /// temperature 0 picks the largest (greedy). Allocates nothing.
    /// </summary>
    public static int Sample<T>(ReadOnlySpan<T> logits, double temperature, SeededRandom random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be a finite number ≥ 0.");
        int best = ArgMax(logits);
        if (temperature == 0)
            return best;
        double max = double.CreateChecked(logits[best]) / temperature, sum = 0;
        for (int c = 0; c < logits.Length; c++)
            sum += Math.Exp(double.CreateChecked(logits[c]) / temperature - max);
        double u = random.NextDouble() * sum;
        for (int c = 0; c < logits.Length; c++)
        {
            u -= Math.Exp(double.CreateChecked(logits[c]) / temperature - max);
            if (u < 0)
                return c;
        }
        return best;
    }
}
