using System;
using System.Collections.Generic;
using System.IO;
using ScottPlot;

namespace SeqGen.Lab;

/// <summary>The lab's pictures: loss curves against the baseline, and gradient norms against distance in time.</summary>
internal static class Charts
{
    public static void LossCurves(IReadOnlyList<TrainingResult> results, int length, string path, string? title = null)
    {
        var plot = new Plot();
        TrainingResult? first = null;
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            first ??= r;
            var steps = new double[r.Curve.Count];
            var losses = new double[r.Curve.Count];
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = r.Curve[i].Step;
                losses[i] = Math.Log10(Math.Max(r.Curve[i].Loss, 1e-8));
            }
            var line = plot.Add.Scatter(steps, losses);
            line.LegendText = r.Cell;
            line.Color = ChartStyle.Colour(r.Cell);
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        if (first is null)
            return;
        ChartStyle.Baseline(plot, first.Baseline);
        plot.Title(title is null ? $"{Describe(first)}: held-out loss" : $"{title} — {Describe(first)}");
        plot.XLabel("training step");
        ChartStyle.LogAxis(plot, "held-out loss (log scale)");
        ChartStyle.LegendOutside(plot);
        plot.SavePng(path, 1100, 540);
    }

    /// <summary>
    /// ‖∂L/∂h_k‖ against t − k at initialisation (dashed) and trained (solid), with the theory's
    /// straight line γ^(t−k) for the γ measured at initialisation (dotted), normalised to distance 0.
    /// </summary>
    public static void GradientNorms(IReadOnlyList<TrainingResult> results, int length, string path)
    {
        var plot = new Plot();
        TrainingResult? first = null;
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            first ??= r;
            var distance = new double[length];
            var init = new double[length];
            var trained = new double[length];
            var theory = new double[length];
            double gamma = r.GammaAtInit;
            for (int d = 0; d < length; d++)
            {
                distance[d] = d;
                init[d] = Math.Log10(Math.Max(r.NormsAtInit[d], 1e-30));
                trained[d] = Math.Log10(Math.Max(r.NormsTrained[d], 1e-30));
                theory[d] = init[0] + d * Math.Log10(double.IsFinite(gamma) && gamma > 0 ? gamma : 1);
            }
            Color colour = ChartStyle.Colour(r.Cell);
            var before = plot.Add.Scatter(distance, init);
            before.LegendText = $"{r.Cell} at initialisation (γ = {gamma:F3})";
            before.LinePattern = LinePattern.Dashed;
            before.Color = colour;
            before.MarkerSize = 0;
            var line = plot.Add.Scatter(distance, theory);
            line.LinePattern = LinePattern.Dotted;
            line.Color = colour.WithAlpha(0.6);
            line.MarkerSize = 0;
            var after = plot.Add.Scatter(distance, trained);
            after.LegendText = r.Cell + " trained";
            after.Color = colour;
            after.MarkerSize = 0;
            after.LineWidth = 2;
        }
        if (first is null)
            return;
        plot.Title($"{Describe(first)}: ‖∂L/∂h_k‖ against distance t − k (dotted: γ^(t−k))");
        plot.XLabel("distance t − k from the loss (steps)");
        ChartStyle.LogAxis(plot, "gradient norm (log scale)");
        ChartStyle.LegendOutside(plot);
        plot.SavePng(path, 1100, 540);
    }

    /// <summary>One series against x on a linear axis (a validation curve).</summary>
    public static void Curve(IReadOnlyList<(double X, double Y)> points, string title, string xLabel, string yLabel, string series, string path)
    {
        var plot = new Plot();
        var x = new double[points.Count];
        var y = new double[points.Count];
        for (int i = 0; i < x.Length; i++)
            (x[i], y[i]) = points[i];
        var line = plot.Add.Scatter(x, y);
        line.Color = ChartStyle.Colour(series);
        line.LineWidth = 2;
        line.MarkerSize = 4;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.SavePng(path, 1000, 540);
    }

    private static string Describe(TrainingResult r) => $"{Capitalised(r.Task)}, T = {r.Length}, seed {r.Seed}";

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);

    public static void WriteAll(IReadOnlyList<TrainingResult> results, IEnumerable<int> lengths, string folder)
    {
        foreach (int length in lengths)
        {
            LossCurves(results, length, Path.Combine(folder, $"loss-T{length}.png"));
            GradientNorms(results, length, Path.Combine(folder, $"gradient-norms-T{length}.png"));
        }
    }
}
