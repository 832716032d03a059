using System;
using SeqGen.Numerics;

namespace SeqGen.Lab;

/// <summary>
/// A synthetic long-range task generated from a seed. Targets sit on the last
/// <see cref="TargetSteps"/> steps: one real number per sequence (regression, <see cref="Classes"/>
/// = 0) or one class per step.
/// </summary>
internal interface ISequenceTask
{
    string Name { get; }

    int Features { get; }

    /// <summary>0 for regression, else the number of classes.</summary>
    int Classes { get; }

    int Length { get; }

    int TargetSteps { get; }

    /// <summary>The loss of the best input-blind guess, so a reader sees whether a cell learned anything.</summary>
    double Baseline { get; }

    string BaselineMeaning { get; }

    /// <summary>Fills inputs [T, B, features] and the targets of the last steps ([TargetSteps, B]).</summary>
    void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random);

    /// <summary>A batch for evaluation; tasks with a validation split draw it from there.</summary>
    void FillHeldOut(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random) => Fill(inputs, values, labels, random);
}

internal static class TaskFactory
{
    public const string Names = "adding, copy, temporal-order, parity";

    public static ISequenceTask Create(string name, int length) => name switch
    {
        "adding" => new AddingTask(length),
        "copy" => new CopyMemoryTask(length),
        "temporal-order" => new TemporalOrderTask(length),
        "parity" => new ParityTask(length),
        _ => throw new ArgumentException($"--task '{name}' is not one of {Names}."),
    };
}

/// <summary>The adding problem as a task (see <see cref="AddingProblem"/>).</summary>
internal sealed class AddingTask(int length) : ISequenceTask
{
    public string Name => "adding";
    public int Features => AddingProblem.Features;
    public int Classes => 0;
    public int Length { get; } = length;
    public int TargetSteps => 1;
    public double Baseline => AddingProblem.BaselineLoss;
    public string BaselineMeaning => "MSE of predicting the mean sum, 1";

    public void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random) =>
        new AddingProblem(Length, random).Fill(inputs, values);
}

/// <summary>
/// Copy memory (Arjovsky et al., 2016): ten symbols from an alphabet of eight, then a delay of
/// blanks ending in a delimiter, then ten blanks during which the cell must output the ten
/// symbols. The sequence is delay + 20 steps long. Guessing uniformly scores ln 8 per symbol.
/// </summary>
internal sealed class CopyMemoryTask(int delay) : ISequenceTask
{
    private const int Symbols = 8, Copied = 10, Blank = 8, Delimiter = 9;
    public string Name => "copy";
    public int Features => 10;
    public int Classes => Symbols;
    public int Length { get; } = delay + 2 * Copied;
    public int TargetSteps => Copied;
    public double Baseline => Math.Log(Symbols);
    public string BaselineMeaning => "cross-entropy of guessing one of 8 symbols";

    public void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random)
    {
        int batch = labels.Length / Copied;
        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < Length; t++)
            {
                int symbol = t < Copied ? (int)(random.NextDouble() * Symbols) : (t == Length - Copied - 1 ? Delimiter : Blank);
                inputs[(t * batch + b) * Features + symbol] = 1;
                if (t < Copied)
                    labels[t * batch + b] = symbol;
            }
        }
    }
}

/// <summary>
/// Temporal order (Hochreiter and Schmidhuber, 1997): random distractor symbols with two markers,
/// X or Y, one early and one in the middle; the class is their order (XX, XY, YX, YY).
/// Guessing scores ln 4.
/// </summary>
internal sealed class TemporalOrderTask(int length) : ISequenceTask
{
    public string Name => "temporal-order";
    public int Features => 6;
    public int Classes => 4;
    public int Length { get; } = length >= 10 ? length : throw new ArgumentOutOfRangeException(nameof(length), length, "temporal order needs at least 10 steps.");
    public int TargetSteps => 1;
    public double Baseline => Math.Log(4);
    public string BaselineMeaning => "cross-entropy of guessing one of 4 orders";

    public void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random)
    {
        int batch = labels.Length;
        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int first = Length / 10 + (int)(random.NextDouble() * Math.Max(1, Length / 10));
            int second = Length / 2 + (int)(random.NextDouble() * Math.Max(1, Length / 10));
            int a = random.NextDouble() < 0.5 ? 0 : 1, c = random.NextDouble() < 0.5 ? 0 : 1;
            for (int t = 0; t < Length; t++)
            {
                int symbol = t == first ? 4 + a : t == second ? 4 + c : (int)(random.NextDouble() * 4);
                inputs[(t * batch + b) * Features + symbol] = 1;
            }
            labels[b] = 2 * a + c;
        }
    }
}

/// <summary>Parity: a string of bits; the class is whether it holds an odd number of ones. Guessing scores ln 2.</summary>
internal sealed class ParityTask(int length) : ISequenceTask
{
    public string Name => "parity";
    public int Features => 1;
    public int Classes => 2;
    public int Length { get; } = length;
    public int TargetSteps => 1;
    public double Baseline => Math.Log(2);
    public string BaselineMeaning => "cross-entropy of guessing even or odd";

    public void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random)
    {
        int batch = labels.Length;
        for (int b = 0; b < batch; b++)
        {
            int ones = 0;
            for (int t = 0; t < Length; t++)
            {
                int bit = random.NextDouble() < 0.5 ? 0 : 1;
                inputs[t * batch + b] = bit;
                ones += bit;
            }
            labels[b] = ones % 2;
        }
    }
}
