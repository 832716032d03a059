using System;
using System.Numerics;

namespace SeqGen.Training;

/// <summary>
/// Losses fused with their gradients: each returns the mean loss over the rows and writes
/// d(loss)/d(input) into a caller's buffer, allocating nothing.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy over <paramref name="classes"/> logits per row, with integer targets.
    /// Rows whose target is <paramref name="ignoreIndex"/> add nothing (as PyTorch's ignore_index);
    /// the mean is over the other rows.
    /// </summary>
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, int classes, Span<T> logitGradient, int ignoreIndex = -100)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be at least 1.");
        int rows = targets.Length;
        RequireMatrix(logits.Length, rows, classes, nameof(logits));
        RequireMatrix(logitGradient.Length, rows, classes, nameof(logitGradient));
        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            int target = targets[r];
            if (target != ignoreIndex && (uint)target >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), target, $"targets[{r}] = {target} is not a class in 0..{classes - 1}.");
            if (target != ignoreIndex)
                counted++;
        }
        T loss = T.Zero;
        T scale = counted == 0 ? T.Zero : T.One / T.CreateChecked(counted);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = logits.Slice(r * classes, classes);
            Span<T> gradient = logitGradient.Slice(r * classes, classes);
            if (targets[r] == ignoreIndex)
            {
                gradient.Clear();
                continue;
            }
            T max = row[0];
            for (int c = 1; c < classes; c++)
                max = T.Max(max, row[c]);
            T sum = T.Zero;
            for (int c = 0; c < classes; c++)
            {
                T e = T.Exp(row[c] - max);
                gradient[c] = e;
                sum += e;
            }
            T logSum = T.Log(sum) + max;
            loss += logSum - row[targets[r]];
            for (int c = 0; c < classes; c++)
                gradient[c] = gradient[c] / sum * scale;
            gradient[targets[r]] -= scale;
        }
        return loss * scale;
    }

    // log softmax(row)[target], in double.
    internal static double LogSoftmaxAt<T>(ReadOnlySpan<T> row, int target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (T value in row)
            max = Math.Max(max, double.CreateChecked(value));
        foreach (T value in row)
            sum += Math.Exp(double.CreateChecked(value) - max);
        return double.CreateChecked(row[target]) - max - Math.Log(sum);
    }

    /// <summary>Binary cross-entropy of sigmoid(logits) against targets in [0, 1], computed stably from the logits.</summary>
    public static T SigmoidBinaryCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> logitGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireLength(targets.Length, logits.Length, nameof(targets), "the length of logits");
        RequireLength(logitGradient.Length, logits.Length, nameof(logitGradient), "the length of logits");
        if (logits.Length == 0)
            return T.Zero;
        T scale = T.One / T.CreateChecked(logits.Length);
        T loss = T.Zero;
        for (int i = 0; i < logits.Length; i++)
        {
            T x = logits[i], y = targets[i];
            // max(x, 0) - x*y + log(1 + exp(-|x|)) never overflows.
            loss += T.Max(x, T.Zero) - x * y + T.Log(T.One + T.Exp(-T.Abs(x)));
            logitGradient[i] = (T.One / (T.One + T.Exp(-x)) - y) * scale;
        }
        return loss * scale;
    }

    /// <summary>Mean squared error.</summary>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> predictionGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireLength(targets.Length, predictions.Length, nameof(targets), "the length of predictions");
        RequireLength(predictionGradient.Length, predictions.Length, nameof(predictionGradient), "the length of predictions");
        if (predictions.Length == 0)
            return T.Zero;
        T scale = T.One / T.CreateChecked(predictions.Length);
        T two = T.CreateChecked(2);
        T loss = T.Zero;
        for (int i = 0; i < predictions.Length; i++)
        {
            T difference = predictions[i] - targets[i];
            loss += difference * difference;
            predictionGradient[i] = two * difference * scale;
        }
        return loss * scale;
    }

    // The message is built only on failure, so a training step that passes allocates nothing.
    private static void RequireMatrix(int actual, int rows, int columns, string name)
    {
        if (actual != rows * columns)
            throw new ArgumentException($"{name} has {actual} elements; expected [{rows} x {columns}] = {rows * columns} (targets.Length x classes).", name);
    }

    internal static void RequireLength(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; expected {expected}, {shape}.", name);
    }
}
