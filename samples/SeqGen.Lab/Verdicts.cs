using System;
using System.Collections.Generic;
using System.Globalization;

namespace SeqGen.Lab;

/// <summary>The lab's results said in words, for the console and results.md.</summary>
internal static class Verdicts
{
    /// <summary>"At T = 100, Gru and Lstm solve adding (…); ElmanRnn does not (…)."</summary>
    public static string Solved(IReadOnlyList<TrainingResult> results, int length, TrainingOptions options)
    {
        var solved = new List<string>();
        var unsolved = new List<string>();
        string task = "";
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            task = r.Task;
            (r.Solved ? solved : unsolved).Add(string.Create(CultureInfo.InvariantCulture, $"{r.Cell} ({r.FinalLoss:G3}{(r.StepsToSolve is int at ? $", by step {at}" : "")})"));
        }
        string yes = solved.Count == 0 ? "no cell solves" : $"{List(solved)} {(solved.Count == 1 ? "solves" : "solve")}";
        string no = unsolved.Count == 0 ? "every cell does" : $"{List(unsolved)} {(unsolved.Count == 1 ? "does" : "do")} not";
        return string.Create(CultureInfo.InvariantCulture, $"At T = {length}, {yes} the {task} task within {options.Steps} steps; {no} (final held-out loss; solved is below a tenth of the input-blind baseline).");
    }

    /// <summary>What one run of the exploding-gradient demonstration did.</summary>
    public static string Exploding(ExplodingGradients.Series series)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"ReLU Elman RNN, U = {ExplodingGradients.Scale} I, adding T = {ExplodingGradients.Length} (measured γ {series.Gamma:F3}), {series.Label}: ");
        int diverged = Array.FindIndex(series.Loss, v => !double.IsFinite(v));
        if (diverged >= 0)
            return head + $"diverged (non-finite loss) at step {diverged + 1}; the optimizer refused {series.SkippedSteps} of {series.Loss.Length} steps for a non-finite gradient.";
        double tail = 0;
        int from = Math.Max(0, series.Loss.Length - 50);
        for (int i = from; i < series.Loss.Length; i++)
            tail += series.Loss[i] / (series.Loss.Length - from);
        double largest = 0;
        foreach (double g in series.GradientNorm)
            largest = Math.Max(largest, g);
        string verdict = tail < 0.5 * AddingProblem.BaselineLoss ? "learns" : tail < AddingProblem.BaselineLoss ? "beats the baseline" : "does not learn";
        return head + string.Create(CultureInfo.InvariantCulture, $"{verdict}: training MSE {tail:F4} over the last 50 steps against the baseline {AddingProblem.BaselineLoss:F3}; largest gradient norm {largest:E1}.");
    }

    private static string List(List<string> items) => items.Count switch
    {
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => string.Join(", ", items.GetRange(0, items.Count - 1)) + " and " + items[^1],
    };
}
