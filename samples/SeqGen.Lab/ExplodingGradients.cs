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
/// The lecture's exploding gradient: a ReLU Elman RNN whose recurrent matrix is a scaled identity
/// (γ = ‖diag(f′) Uᵀ‖ = the scale, above 1) trained by SGD on the adding problem three times — not
/// clipped, clipped by global norm, clipped by value. Without clipping one step of the exploded
/// gradient throws the weights far away and the loss goes non-finite; clipped either way, the steps
/// stay bounded and the network learns to well below the input-blind baseline.
/// </summary>
internal static class ExplodingGradients
{
    internal sealed record Series(string Label, double[] Loss, double[] GradientNorm, double Gamma, long SkippedSteps);

    // Chosen so that without clipping the first steps already overflow or kill the network, while
    // both clipped runs learn within the budget (measured over seeds 1–3; see the README).
    public const int Hidden = 32, Batch = 32, Length = 20, Steps = 2000;
    public const double Scale = 1.1, LearningRate = 0.01, NormLimit = 1, ValueLimit = 0.03;

    public static Series[] Run(int seed, int length = Length, int steps = Steps, double scale = Scale, double learningRate = LearningRate)
    {
        var results = new List<Series>();
        foreach (string clip in new[] { "none", "norm", "value" })
        {
            var random = new SeededRandom(seed);
            var cell = new ElmanReluRnn(AddingProblem.Features, Hidden, seed);
            Span<float> u = cell.Parameter("U");
            u.Clear();
            for (int i = 0; i < Hidden; i++)
                u[i * Hidden + i] = (float)scale;
            var head = new Linear<float>(Hidden, 1, seed + 1);
            var modules = new ModuleDict<float> { ["cell"] = cell, ["head"] = head };
            // The unclipped run is meant to blow up: steps with a non-finite gradient are skipped and counted, not thrown.
            var optimizer = new Sgd<float>(modules, learningRate, momentum: 0.9) { NonFinite = NonFiniteHandling.Skip };
            var task = new AddingProblem(length, random);
            var ws = cell.CreateWorkspace(length, Batch);
            var targets = new float[Batch];
            var last = new float[Batch * Hidden];
            var prediction = new float[Batch];
            var dPrediction = new float[Batch];
            var dLast = new float[Batch * Hidden];
            var losses = new double[steps];
            var norms = new double[steps];
            double gamma = double.NaN;
            for (int step = 0; step < steps; step++)
            {
                task.Fill(ws.Input(0).Slice(0, length * Batch * AddingProblem.Features), targets);
                cell.Forward(ws, length);
                ws.Output(length).Slice((length - 1) * Batch * Hidden).CopyTo(last);
                head.Forward(last, prediction, Batch);
                losses[step] = Losses.MeanSquaredError<float>(prediction, targets, dPrediction);
                optimizer.ZeroGradients();
                head.Backward(last, dPrediction, dLast, Batch);
                Span<float> dOutput = ws.OutputGradient(length);
                dOutput.Clear();
                dLast.CopyTo(dOutput.Slice((length - 1) * Batch * Hidden));
                cell.Backward(ws, length);
                if (step == 0)
                    gamma = GradientDecay.Gamma(GradientDecay.Norms(ws, cell.OutputState, length));
                norms[step] = GradientClipping.ByGlobalNorm(modules, clip == "norm" ? NormLimit : double.MaxValue);
                if (clip == "value")
                    GradientClipping.ByValue(modules, ValueLimit);
                optimizer.Step();
            }
            results.Add(new Series(clip switch { "none" => "not clipped", "norm" => "clipped to global norm 1", _ => $"clipped to ±{ValueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)} per element" }, losses, norms, gamma, optimizer.SkippedSteps));
        }
        return results.ToArray();
    }

    public static void Chart(Series[] series, int length, double scale, int seed, string folder)
    {
        foreach (bool gradient in new[] { false, true })
        {
            var plot = new Plot();
            foreach (Series s in series)
            {
                double[] values = gradient ? s.GradientNorm : s.Loss;
                // Keep the learning runs readable: a diverged loss is drawn at the top, not at 10³⁰.
                double ceiling = gradient ? 1e30 : 1e3;
                var steps = new double[values.Length];
                var logs = new double[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    steps[i] = i + 1;
                    logs[i] = Math.Log10(Math.Clamp(double.IsFinite(values[i]) ? values[i] : double.MaxValue, 1e-12, ceiling));
                }
                var line = plot.Add.Scatter(steps, logs);
                line.LegendText = s.Label;
                line.Color = ChartStyle.Colour(s.Label);
                line.MarkerSize = 0;
                line.LineWidth = 2;
            }
            if (!gradient)
                ChartStyle.Baseline(plot, AddingProblem.BaselineLoss);
            ChartStyle.LogAxis(plot, gradient ? "global gradient norm before clipping (log; non-finite at 10³⁰)" : "training MSE (log; above 1000 or non-finite at 1000)");
            plot.Title($"Adding problem, T = {length}, seed {seed}: ReLU Elman RNN, U = {scale} I, SGD — {(gradient ? "gradient norm" : "training loss")}");
            plot.XLabel("training step");
            ChartStyle.LegendOutside(plot);
            plot.SavePng(Path.Combine(folder, gradient ? "exploding-gradient-norm.png" : "exploding-loss.png"), 1100, 540);
        }
    }
}
