using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ScottPlot;
using SeqGen.Cells;
using SeqGen.Model;

namespace SeqGen.Benchmarks;

/// <summary>
/// How an LSTM's cost grows with the work: forward time per step (inference, I = H) against H at
/// T = 50 and against T at H = 256, each at B = 1 and B = 32, for SeqGen and (from the CSV that
/// tools/cost-sweep/run has PyTorch write just before) PyTorch, drawn with the machine's floors:
/// the step's FLOPs at the FMA peak, and its recurrent weights read at the L2 rate. Where a curve
/// follows the first it is compute-bound, where it follows the second bandwidth-bound.
/// </summary>
internal static class CostSweep
{
    private static readonly int[] Sizes = { 64, 128, 256, 512, 1024, 2048 };
    private static readonly int[] Lengths = { 10, 30, 100, 300, 1000 };
    private static readonly int[] Batches = { 1, 32 };
    private const int SweepLength = 50, SweepSize = 256;

    private sealed record Point(string Engine, int B, int T, int H, double MsPerStep);

    public static void Run(string folder, string? peerCsv, double peakGflops, double l2Gigabytes)
    {
        Directory.CreateDirectory(folder);
        var points = new List<Point>();
        var csv = new List<string> { "engine,threads,B,T,H,ms,ms_per_step" };
        foreach (int b in Batches)
        {
            foreach (int h in Sizes)
                points.Add(Measure(b, SweepLength, h, csv));
            foreach (int t in Lengths)
                points.Add(Measure(b, t, SweepSize, csv));
        }
        File.WriteAllLines(Path.Combine(folder, "seqgen-sweep.csv"), csv);
        if (peerCsv is not null)
            points.AddRange(ReadPeer(peerCsv));
        string hChart = Path.Combine(folder, "cost-vs-h.png"), tChart = Path.Combine(folder, "cost-vs-t.png");
        Draw(points, byLength: false, peakGflops, l2Gigabytes, hChart);
        Draw(points, byLength: true, peakGflops, l2Gigabytes, tChart);
        Console.WriteLine($"Wrote {hChart} and {tChart}.");
    }

    private static Point Measure(int b, int t, int h, List<string> csv)
    {
        RecurrentCellBase<float> cell = new Lstm(h, h, seed: 1);
        var ws = cell.CreateWorkspace(t, b);
        var random = new Numerics.SeededRandom(h);
        Span<float> input = ws.Input(0);
        for (int i = 0; i < input.Length; i++)
            input[i] = (float)random.NextUniform(-1, 1);
        // At least 5 runs and a second, as the PyTorch side.
        double seconds = Timing.Median(() => cell.Forward(ws, t), 5, 1.0);
        double ms = seconds * 1e3;
        Console.WriteLine($"SeqGen Lstm B={b} T={t} H={h}: {ms:F3} ms, {ms / t * 1e3:F2} us per step");
        csv.Add(string.Create(CultureInfo.InvariantCulture, $"SeqGen,1,{b},{t},{h},{ms:F4},{ms / t:F6}"));
        return new Point("SeqGen", b, t, h, ms / t);
    }

    private static IEnumerable<Point> ReadPeer(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "engine,threads,B,T,H,ms,ms_per_step")
            throw new InvalidDataException($"--peer-sweep: '{path}' is not the CSV of tools/cost-sweep/run (its header must be engine,threads,B,T,H,ms,ms_per_step).");
        for (int i = 1; i < lines.Length; i++)
        {
            string[] f = lines[i].Split(',');
            if (f.Length != 7)
                throw new InvalidDataException($"--peer-sweep: line {i + 1} of '{path}' has {f.Length} fields, not 7.");
            yield return new Point(f[0], Int(f[2]), Int(f[3]), Int(f[4]), double.Parse(f[6], CultureInfo.InvariantCulture));
        }

        static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
    }

    private static void Draw(List<Point> points, bool byLength, double peakGflops, double l2Gigabytes, string path)
    {
        var plot = new Plot();
        var colours = new Dictionary<int, Color> { [1] = Color.FromHex("#1f77b4"), [32] = Color.FromHex("#d62728") };
        double X(Point p) => Math.Log10(byLength ? p.T : p.H);
        bool OnAxis(Point p) => byLength ? p.H == SweepSize : p.T == SweepLength;
        foreach (int b in Batches)
        {
            foreach (string engine in new[] { "SeqGen", "PyTorch" })
            {
                // The H sweep's point at H = 256 lies on the T axis too: order the points along the axis.
                var series = points.FindAll(p => p.Engine == engine && p.B == b && OnAxis(p));
                if (series.Count == 0)
                    continue;
                series.Sort((left, right) => X(left).CompareTo(X(right)));
                var line = plot.Add.Scatter(series.ConvertAll(X).ToArray(), series.ConvertAll(p => Math.Log10(p.MsPerStep * 1e3)).ToArray());
                line.Color = colours[b];
                line.LineWidth = 2;
                line.MarkerSize = 6;
                line.LinePattern = engine == "SeqGen" ? LinePattern.Solid : LinePattern.Dashed;
                line.LegendText = $"{engine}, B = {b}";
            }
        }
        // Floors per step: 2·B·4H·2H FLOPs at the FMA peak; the recurrent weights (4H × H floats) at the L2 rate.
        double[] axis = Array.ConvertAll(byLength ? Lengths : Sizes, v => (double)v);
        foreach (int b in Batches)
            Floor(plot, axis, byLength, h => 16.0 * b * h * h / (peakGflops * 1e9) * 1e6, colours[b], $"FMA peak, B = {b}");
        Floor(plot, axis, byLength, h => 16.0 * h * h / (l2Gigabytes * 1e9) * 1e6, Color.FromHex("#555555"), "weights read at the L2 rate");
        plot.Title(byLength
            ? $"LSTM forward, time per step against T (H = I = {SweepSize}), 1 thread"
            : $"LSTM forward, time per step against H (= I, T = {SweepLength}), 1 thread");
        plot.XLabel(byLength ? "sequence length T" : "hidden size H");
        LogTicks(plot, axis);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1100, 600);
    }

    private static void Floor(Plot plot, double[] axis, bool byLength, Func<double, double> microseconds, Color colour, string text)
    {
        var xs = Array.ConvertAll(axis, Math.Log10);
        var ys = Array.ConvertAll(axis, v => Math.Log10(microseconds(byLength ? SweepSize : v)));
        var line = plot.Add.Scatter(xs, ys);
        line.Color = colour.WithAlpha(0.6);
        line.LineWidth = 1;
        line.MarkerSize = 0;
        line.LinePattern = LinePattern.Dotted;
        line.LegendText = text;
    }

    // The data are drawn as log10 values; the ticks name the values themselves.
    private static void LogTicks(Plot plot, double[] axis)
    {
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        foreach (double v in axis)
            bottom.AddMajor(Math.Log10(v), v.ToString(CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = bottom;
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        var left = new ScottPlot.TickGenerators.NumericManual();
        for (int power = (int)Math.Floor(limits.Bottom); power <= (int)Math.Ceiling(limits.Top); power++)
        {
            foreach (int mantissa in new[] { 1, 3 })
            {
                double value = mantissa * Math.Pow(10, power);
                if (Math.Log10(value) >= limits.Bottom && Math.Log10(value) <= limits.Top)
                    left.AddMajor(Math.Log10(value), value.ToString("G6", CultureInfo.InvariantCulture));
            }
        }
        plot.Axes.Left.TickGenerator = left;
        plot.YLabel("µs per step (log scale)");
    }
}
