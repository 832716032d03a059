using System;
using System.Collections.Generic;
using System.Globalization;
using ScottPlot;

namespace SeqGen.Lab;

/// <summary>
/// What every chart of the lab shares, so a reader can compare them: one colour per cell (or
/// series) in every chart, legends outside the data, log axes labelled with plain values, the
/// input-blind baseline drawn the same way.
/// </summary>
internal static class ChartStyle
{
    // Tableau 10 and a few more, assigned by name so a cell keeps its colour from chart to chart.
    private static readonly Dictionary<string, Color> s_named = new(StringComparer.Ordinal)
    {
        ["ElmanRnn"] = Color.FromHex("#d62728"),
        ["ElmanReluRnn"] = Color.FromHex("#ff9896"),
        ["Gru"] = Color.FromHex("#1f77b4"),
        ["ChoGru"] = Color.FromHex("#aec7e8"),
        ["Lstm"] = Color.FromHex("#2ca02c"),
        ["PeepholeLstm"] = Color.FromHex("#98df8a"),
        ["DiagonalPeepholeLstm"] = Color.FromHex("#bcbd22"),
        ["CoupledLstm"] = Color.FromHex("#17becf"),
        ["LeakyRnn"] = Color.FromHex("#ff7f0e"),
        ["LearnedLeakyRnn"] = Color.FromHex("#8c564b"),
        ["SkipRnn"] = Color.FromHex("#9467bd"),
        ["MinimalGatedUnit"] = Color.FromHex("#e377c2"),
        ["LeakyRnn μ=0.5"] = Color.FromHex("#ffbb78"),
        ["LeakyRnn μ=0.9"] = Color.FromHex("#ff7f0e"),
        ["LeakyRnn μ=0.99"] = Color.FromHex("#a05000"),
        ["SkipRnn d=4"] = Color.FromHex("#9467bd"),
        ["SkipRnn d=10"] = Color.FromHex("#c5b0d5"),
        ["SkipRnn d=25"] = Color.FromHex("#393b79"),
        ["NTM"] = Color.FromHex("#1f77b4"),
        ["NTM, feed-forward controller"] = Color.FromHex("#9467bd"),
        ["LSTM 256"] = Color.FromHex("#2ca02c"),
        ["given"] = Color.FromHex("#2ca02c"),
        ["balanced"] = Color.FromHex("#ff7f0e"),
        ["left-branching"] = Color.FromHex("#8c564b"),
        ["easy-first, scorer untrained"] = Color.FromHex("#7f7f7f"),
        ["inferred"] = Color.FromHex("#1f77b4"),
        ["not clipped"] = Color.FromHex("#d62728"),
        ["clipped to global norm 1"] = Color.FromHex("#1f77b4"),
        ["clipped to ±0.03 per element"] = Color.FromHex("#2ca02c"),
    };

    private static readonly Color[] s_others =
    [
        Color.FromHex("#7f7f7f"), Color.FromHex("#c49c94"), Color.FromHex("#f7b6d2"), Color.FromHex("#c5b0d5"),
        Color.FromHex("#dbdb8d"), Color.FromHex("#9edae5"), Color.FromHex("#ffbb78"), Color.FromHex("#393b79"),
    ];

    public static readonly Color BaselineColour = Color.FromHex("#000000");

    /// <summary>The colour of a cell or series: fixed for the lab's names, else chosen by a stable hash of the name.</summary>
    public static Color Colour(string name)
    {
        if (s_named.TryGetValue(name, out Color colour))
            return colour;
        // Variants ("LeakyRnn μ=0.5", "SkipRnn d=8") and other names: a stable hash (string.GetHashCode changes per process).
        uint hash = 2166136261;
        foreach (char c in name)
            hash = (hash ^ c) * 16777619;
        return s_others[hash % (uint)s_others.Length];
    }

    /// <summary>Names with a colour of their own.</summary>
    public static IReadOnlyCollection<string> NamedColours => s_named.Keys;

    /// <summary>The input-blind baseline as a dashed black line (the data are drawn as log10 values).</summary>
    public static void Baseline(Plot plot, double loss, string text = "baseline (input-blind guess)")
    {
        var line = plot.Add.HorizontalLine(Math.Log10(loss));
        line.LinePattern = LinePattern.Dashed;
        line.Color = BaselineColour;
        line.LegendText = text;
    }

    /// <summary>
    /// Labels the left axis of data drawn as log10 values with the values themselves (10⁻³, 1, 10²),
    /// at most about eight ticks over the data's range.
    /// </summary>
    public static void LogAxis(Plot plot, string label)
    {
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        int low = (int)Math.Floor(limits.Bottom), high = (int)Math.Ceiling(limits.Top);
        int every = Math.Max(1, (int)Math.Ceiling((high - low) / 8.0));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int visible = 0;
        for (int power = low - ((low % every) + every) % every; power <= high; power += every)
        {
            ticks.AddMajor(power, PowerOfTen(power));
            visible += power >= limits.Bottom && power <= limits.Top ? 1 : 0;
        }
        // Data within about one decade: label round values inside it instead (0.15, 0.2, 0.25).
        if (visible < 2)
        {
            ticks = new ScottPlot.TickGenerators.NumericManual();
            double from = Math.Pow(10, limits.Bottom), to = Math.Pow(10, limits.Top);
            double step = NiceStep((to - from) / 5);
            for (double value = Math.Ceiling(from / step) * step; value <= to; value += step)
                ticks.AddMajor(Math.Log10(value), value.ToString("G3", CultureInfo.InvariantCulture));
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.YLabel(label);
    }

    // 1, 2 or 5 times a power of ten, the nearest at or above the rough step.
    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (double factor in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (factor * power >= rough)
                return factor * power;
        }
        return 10 * power;
    }

    /// <summary>10^k as a reader writes it: 0.01 … 1000 in full, beyond that 10⁴, 10⁻³.</summary>
    public static string PowerOfTen(int power) => power switch
    {
        >= -2 and <= 3 => Math.Pow(10, power).ToString(CultureInfo.InvariantCulture),
        _ => "10" + Superscript(power),
    };

    private static string Superscript(int value)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        string text = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var chars = new char[text.Length];
        for (int i = 0; i < text.Length; i++)
            chars[i] = digits[text[i] - '0'];
        return (value < 0 ? "⁻" : "") + new string(chars);
    }

    /// <summary>The legend to the right of the data, never on top of the curves.</summary>
    public static void LegendOutside(Plot plot) => plot.ShowLegend(Edge.Right);
}
