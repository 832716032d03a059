using System;
using System.Collections.Generic;
using ScottPlot;
using SeqGen.Trees;

namespace SeqGen.Lab;

/// <summary>The tree tasks' pictures: accuracy per epoch, and one sentence's tree with the class predicted at each node.</summary>
internal static class TreeCharts
{
    /// <summary>One line per run (accuracies as fractions, one per epoch), one colour per series name, dashed for a name's later runs (other seeds).</summary>
    public static void AccuracyPerEpoch(IEnumerable<(string Series, IReadOnlyList<double> Accuracy)> runs, string title, string yLabel, string path)
    {
        var plot = new Plot();
        var colours = new Dictionary<string, Color>(StringComparer.Ordinal);
        foreach (var (series, values) in runs)
        {
            var epochs = new double[values.Count];
            var accuracy = new double[values.Count];
            for (int e = 0; e < epochs.Length; e++)
            {
                epochs[e] = e + 1;
                accuracy[e] = 100 * values[e];
            }
            var line = plot.Add.Scatter(epochs, accuracy);
            if (!colours.TryGetValue(series, out Color colour))
            {
                colours[series] = colour = line.Color;
                line.LegendText = series;
            }
            else
            {
                line.LinePattern = LinePattern.Dashed;
            }
            line.Color = colour;
            line.LineWidth = 2;
            line.MarkerSize = 4;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1000, 540);
    }

    /// <summary>
    /// The tree drawn top-down, leaves left to right with their tokens, each node a dot coloured by
    /// its predicted class (red = 0 … green = classes − 1) with the class written beside it.
    /// </summary>
    public static void TreeWithPredictions(Tree tree, IReadOnlyList<int> predicted, int classes, string title, string path)
    {
        var plot = new Plot();
        var x = new double[tree.NodeCount];
        var depth = new int[tree.NodeCount];
        int leaf = 0;
        for (int node = 0; node < tree.NodeCount; node++)
        {
            ReadOnlySpan<int> children = tree.Children(node);
            if (children.IsEmpty)
            {
                x[node] = leaf++;
                continue;
            }
            foreach (int child in children)
                x[node] += x[child] / children.Length;
        }
        for (int node = tree.NodeCount - 1; node >= 0; node--)
        {
            foreach (int child in tree.Children(node))
                depth[child] = depth[node] + 1;
        }
        for (int node = 0; node < tree.NodeCount; node++)
        {
            foreach (int child in tree.Children(node))
            {
                var edge = plot.Add.Line(x[node], -depth[node], x[child], -depth[child]);
                edge.Color = Colors.Gray;
                edge.LineWidth = 1.5f;
            }
        }
        for (int node = 0; node < tree.NodeCount; node++)
        {
            double shade = classes > 1 ? (double)predicted[node] / (classes - 1) : 0.5;
            var colour = new Color((byte)(220 * (1 - shade)), (byte)(180 * shade), 40);
            var dot = plot.Add.Marker(x[node], -depth[node], MarkerShape.FilledCircle, 14, colour);
            _ = dot;
            var label = plot.Add.Text(predicted[node].ToString(System.Globalization.CultureInfo.InvariantCulture), x[node] + 0.12, -depth[node] + 0.12);
            label.LabelFontSize = 11;
            if (tree.IsLeaf(node))
            {
                var token = plot.Add.Text(tree.Token(node) ?? "", x[node], -depth[node] - 0.35);
                token.LabelFontSize = 13;
                token.LabelRotation = 90;
                token.LabelAlignment = Alignment.UpperCenter;
            }
        }
        plot.Title(title);
        plot.HideGrid();
        plot.Axes.Frameless();
        int maxDepth = 0;
        foreach (int d in depth)
            maxDepth = Math.Max(maxDepth, d);
        plot.Axes.SetLimits(-1, leaf, -maxDepth - 2.5, 0.7);
        plot.SavePng(path, Math.Max(600, 60 * leaf), Math.Max(400, 50 * (maxDepth + 3)));
    }
}
