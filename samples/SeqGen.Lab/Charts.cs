using System;
using System.Collections.Generic;
using System.IO;
using ScottPlot;

namespace SeqGen.Lab;

/// <summary>The lab's pictures: loss curves against the baseline, and gradient norms against distance in time.</summary>
internal static class Charts
{
    public static void LossCurves(IReadOnlyList<TrainingResult> results, int length, string path)
    {
        var plot = new Plot();
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            var steps = new double[r.Curve.Count];
            var losses = new double[r.Curve.Count];
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = r.Curve[i].Step;
                losses[i] = Math.Log10(Math.Max(r.Curve[i].Loss, 1e-8));
            }
            var line = plot.Add.Scatter(steps, losses);
            line.LegendText = r.Cell;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        string taskName = "";
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            taskName = r.Task;
            var baseline = plot.Add.HorizontalLine(Math.Log10(r.Baseline));
            baseline.LinePattern = LinePattern.Dashed;
            baseline.LegendText = "baseline (input-blind guess)";
            break;
        }
        plot.Title($"{taskName}, T = {length}: held-out loss");
        plot.XLabel("training step");
        plot.YLabel("log10 loss");
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    public static void GradientNorms(IReadOnlyList<TrainingResult> results, int length, string path)
    {
        var plot = new Plot();
        foreach (TrainingResult r in results)
        {
            if (r.Length != length)
                continue;
            var distance = new double[length];
            var init = new double[length];
            var trained = new double[length];
            for (int d = 0; d < length; d++)
            {
                distance[d] = d;
                init[d] = Math.Log10(Math.Max(r.NormsAtInit[d], 1e-30));
                trained[d] = Math.Log10(Math.Max(r.NormsTrained[d], 1e-30));
            }
            var before = plot.Add.Scatter(distance, init);
            before.LegendText = r.Cell + " at initialisation";
            before.LinePattern = LinePattern.Dashed;
            before.MarkerSize = 0;
            var after = plot.Add.Scatter(distance, trained);
            after.LegendText = r.Cell + " trained";
            after.Color = before.Color;
            after.MarkerSize = 0;
            after.LineWidth = 2;
        }
        plot.Title($"‖∂L/∂h_k‖ against distance t − k (T = {length})");
        plot.XLabel("distance t − k from the loss (steps)");
        plot.YLabel("log10 gradient norm");
        plot.ShowLegend();
        plot.SavePng(path, 900, 540);
    }

    public static void WriteAll(IReadOnlyList<TrainingResult> results, IEnumerable<int> lengths, string folder)
    {
        foreach (int length in lengths)
        {
            LossCurves(results, length, Path.Combine(folder, $"loss-T{length}.png"));
            GradientNorms(results, length, Path.Combine(folder, $"gradient-norms-T{length}.png"));
        }
    }
}
