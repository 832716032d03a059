using System;
using System.Collections.Generic;
using System.IO;
using ScottPlot;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>
/// A ReLU Elman RNN (no saturation to hide the growth) whose recurrent weights are scaled up, trained on
/// the adding problem twice, with and without clipping the global gradient norm: without it the
/// gradient explodes and the loss jumps; with it training stays on course.
/// </summary>
internal static class ExplodingGradients
{
    internal sealed record Series(string Label, double[] Loss, double[] GradientNorm);

    public static Series[] Run(int length, int steps, int seed, double scale = 4.0)
    {
        var results = new List<Series>();
        foreach (bool clip in new[] { false, true })
        {
            var random = new SeededRandom(seed);
            var cell = new ElmanReluRnn(AddingProblem.Features, 32, seed);
            Span<float> u = cell.Parameter("U");
            for (int i = 0; i < u.Length; i++)
                u[i] *= (float)scale;
            var head = new Linear<float>(32, 1, seed + 1);
            var modules = new ModuleDict<float> { ["cell"] = cell, ["head"] = head };
            var optimizer = new Sgd<float>(modules, learningRate: 0.01, momentum: 0.9);
            var task = new AddingProblem(length, random);
            var ws = cell.CreateWorkspace(length, 32);
            var targets = new float[32];
            var last = new float[32 * 32];
            var prediction = new float[32];
            var dPrediction = new float[32];
            var dLast = new float[32 * 32];
            var losses = new double[steps];
            var norms = new double[steps];
            for (int step = 0; step < steps; step++)
            {
                task.Fill(ws.Input(0).Slice(0, length * 32 * AddingProblem.Features), targets);
                cell.Forward(ws, length);
                ws.Output(length).Slice((length - 1) * 32 * 32).CopyTo(last);
                head.Forward(last, prediction, 32);
                losses[step] = Losses.MeanSquaredError<float>(prediction, targets, dPrediction);
                optimizer.ZeroGradients();
                head.Backward(last, dPrediction, dLast, 32);
                Span<float> dOutput = ws.OutputGradient(length);
                dOutput.Clear();
                dLast.CopyTo(dOutput.Slice((length - 1) * 32 * 32));
                cell.Backward(ws, length);
                norms[step] = GradientClipping.ByGlobalNorm(modules, clip ? 1.0 : double.MaxValue);
                optimizer.Step();
            }
            results.Add(new Series(clip ? "clipped to norm 1" : "not clipped", losses, norms));
        }
        return results.ToArray();
    }

    public static void Chart(Series[] series, int length, string folder)
    {
        foreach (bool gradient in new[] { false, true })
        {
            var plot = new Plot();
            foreach (Series s in series)
            {
                double[] values = gradient ? s.GradientNorm : s.Loss;
                var steps = new double[values.Length];
                var logs = new double[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    steps[i] = i + 1;
                    logs[i] = Math.Log10(Math.Max(double.IsFinite(values[i]) ? values[i] : 1e30, 1e-12));
                }
                var line = plot.Add.Scatter(steps, logs);
                line.LegendText = s.Label;
                line.MarkerSize = 0;
            }
            plot.Title($"ReLU Elman RNN with recurrent weights x4, adding problem T = {length}: {(gradient ? "gradient norm" : "training loss")}");
            plot.XLabel("training step");
            plot.YLabel((gradient ? "log10 global gradient norm (before clipping)" : "log10 MSE") + "; non-finite drawn at 30");
            plot.ShowLegend();
            plot.SavePng(Path.Combine(folder, gradient ? "exploding-gradient-norm.png" : "exploding-loss.png"), 900, 540);
        }
    }
}
