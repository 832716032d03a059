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
        var named = new HashSet<string>(StringComparer.Ordinal);
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
            if (named.Add(series))
                line.LegendText = series;
            else
                line.LinePattern = LinePattern.Dashed;
            line.Color = ChartStyle.Colour(series);
            line.LineWidth = 2;
            line.MarkerSize = 4;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        ChartStyle.LegendOutside(plot);
        plot.SavePng(path, 1000, 540);
    }

    /// <summary>
    /// The tree drawn with its leaves in a row at the bottom (their tokens beneath) and each inner
    /// node at its height above them, every node a dot coloured by its predicted class (red = 0 …
    /// grey = the middle … green = classes − 1) with the class written beside it.
    /// </summary>
    public static void TreeWithPredictions(Tree tree, IReadOnlyList<int> predicted, int classes, string title, string path)
    {
        var plot = new Plot();
        var x = new double[tree.NodeCount];
        var y = new double[tree.NodeCount];
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
            {
                x[node] += x[child] / children.Length;
                y[node] = Math.Max(y[node], y[child] + 1);
            }
        }
        for (int node = 0; node < tree.NodeCount; node++)
        {
            foreach (int child in tree.Children(node))
            {
                var edge = plot.Add.Line(x[node], y[node], x[child], y[child]);
                edge.Color = Colors.Gray;
                edge.LineWidth = 1.5f;
            }
        }
        for (int node = 0; node < tree.NodeCount; node++)
        {
            plot.Add.Marker(x[node], y[node], MarkerShape.FilledCircle, 14, ClassColour(predicted[node], classes));
            var label = plot.Add.Text(predicted[node].ToString(System.Globalization.CultureInfo.InvariantCulture), x[node] + 0.15, y[node] + 0.3);
            label.LabelFontSize = 12;
            if (tree.IsLeaf(node))
            {
                var token = plot.Add.Text(tree.Token(node) ?? "", x[node], y[node] - 0.35);
                token.LabelFontSize = 14;
                token.LabelRotation = 60;
                token.LabelAlignment = Alignment.UpperLeft;
            }
        }
        plot.Title(title);
        plot.HideGrid();
        plot.Axes.Left.IsVisible = false;
        plot.Axes.Bottom.IsVisible = false;
        plot.Axes.Right.IsVisible = false;
        plot.Axes.Top.IsVisible = false;
        double height = y[tree.Root];
        plot.Axes.SetLimits(-1, leaf, -3, height + 0.8);
        plot.SavePng(path, Math.Max(900, 70 * leaf), Math.Max(420, 60 * ((int)height + 5)));
    }

    // Red for the lowest class, grey for the middle, green for the highest.
    private static Color ClassColour(int value, int classes)
    {
        double t = classes > 1 ? 2.0 * value / (classes - 1) - 1 : 0;
        var grey = (r: 150.0, g: 150.0, b: 150.0);
        var end = t < 0 ? (r: 200.0, g: 30.0, b: 30.0) : (r: 30.0, g: 150.0, b: 50.0);
        double a = Math.Abs(t);
        return new Color((byte)(grey.r + a * (end.r - grey.r)), (byte)(grey.g + a * (end.g - grey.g)), (byte)(grey.b + a * (end.b - grey.b)));
    }
}
