using System;
using System.Collections.Generic;
using ScottPlot;
using SeqGen.Modules;

namespace SeqGen.Lab;

/// <summary>The memory tasks' pictures: learning curves, and where the heads read and write over time.</summary>
internal static class NtmCharts
{
    /// <summary>Wrong bits per episode against training episodes, one line per run (log axis with plain labels).</summary>
    public static void LearningCurves(IReadOnlyList<NtmLab.RunResult> runs, string title, string path)
    {
        var plot = new Plot();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (NtmLab.RunResult run in runs)
        {
            var x = new double[run.Curve.Count];
            var y = new double[run.Curve.Count];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = run.Curve[i].Episodes;
                y[i] = Math.Log10(Math.Max(run.Curve[i].WrongBits, 1e-3));
            }
            var line = plot.Add.Scatter(x, y);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = ChartStyle.Colour(run.Model);
            if (named.Add(run.Model))
                line.LegendText = run.Model;
            else
                line.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"NTM, {title}: wrong bits per episode (mean of each 1,000; later seeds dashed)");
        plot.XLabel("training episodes");
        ChartStyle.LogAxis(plot, "wrong bits per episode (log scale; 0 drawn at 0.001)");
        ChartStyle.LegendOutside(plot);
        plot.SavePng(path, 1100, 540);
    }

    /// <summary>The write head's and the first read head's weighting over memory locations at every step of sequence 0.</summary>
    public static void Weightings(NtmWorkspace<float> ws, int steps, string title, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        int readHeads = 1;
        foreach ((int head, string name, int index) in new[] { (readHeads, "write head", 0), (0, "read head", 1) })
        {
            int slots = ws.HeadWeights(0, head, 0).Length;
            var data = new double[slots, steps];
            for (int t = 0; t < steps; t++)
            {
                ReadOnlySpan<float> w = ws.HeadWeights(t, head, 0);
                for (int i = 0; i < slots; i++)
                    data[i, t] = w[i];
            }
            Plot plot = multiplot.GetPlot(index);
            var heatmap = plot.Add.Heatmap(data);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            // The heatmap draws row 0 at the top: label the rows by location, not by their height.
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (int i = 0; i < slots; i += 16)
                ticks.AddMajor(slots - 1 - i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            plot.Axes.Left.TickGenerator = ticks;
            plot.Title(index == 0 ? $"{title}: {name}" : name);
            plot.XLabel("time step (input, delimiter, output)");
            plot.YLabel("memory location");
        }
        multiplot.SavePng(path, 1400, 600);
    }
}
