using System;
using System.Collections.Generic;
using System.Diagnostics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

internal sealed record TrainingOptions(int Steps, int Batch, int Hidden, double LearningRate, string Optimizer, string Clip, double ClipThreshold, int Seed);

/// <summary>Loss after each evaluation, and the summary the table shows.</summary>
internal sealed record TrainingResult(string Cell, int Length, double FinalLoss, double Baseline, bool Solved, int? StepsToSolve, TimeSpan Time,
    List<(int Step, double Loss)> Curve, double[] NormsAtInit, double[] NormsTrained);

/// <summary>
/// Trains a recurrent cell with a linear read-out of its last output on the adding problem,
/// evaluating on a fixed held-out batch; "solved" means a held-out MSE below a tenth of the
/// baseline's.
/// </summary>
internal static class Trainer
{
    public const double SolvedFraction = 0.1;

    public static TrainingResult Run(string name, Func<int, int, int, RecurrentCellBase<float>> create, int length, TrainingOptions options, Action<int, double>? progress = null)
    {
        var random = new SeededRandom(options.Seed);
        RecurrentCellBase<float> cell = create(AddingProblem.Features, options.Hidden, options.Seed);
        var head = new Linear<float>(options.Hidden, 1, options.Seed + 1);
        var modules = new IParameterized<float>[] { cell, head };
        Optimizer<float> optimizer = options.Optimizer switch
        {
            "sgd" => new Sgd<float>(modules, options.LearningRate, momentum: 0.9),
            "rmsprop" => new RmsProp<float>(modules, options.LearningRate),
            _ => new Adam<float>(modules, options.LearningRate),
        };
        var task = new AddingProblem(length, random);
        var heldOut = new AddingProblem(length, new SeededRandom(options.Seed + 1000));
        var ws = cell.CreateWorkspace(length, options.Batch);
        var evalWs = cell.CreateWorkspace(length, 256);
        var targets = new float[options.Batch];
        var evalTargets = new float[256];
        heldOut.Fill(evalWs.Input(0).Slice(0, length * 256 * AddingProblem.Features), evalTargets);
        var last = new float[options.Batch * options.Hidden];
        var prediction = new float[options.Batch];
        var dPrediction = new float[options.Batch];
        var dLast = new float[options.Batch * options.Hidden];
        var curve = new List<(int, double)>();
        int? solvedAt = null;
        var clock = Stopwatch.StartNew();
        double[] normsAtInit = GradientNorms(cell, head, evalWs, evalTargets, length);
        int every = Math.Max(1, options.Steps / 50);
        for (int step = 1; step <= options.Steps; step++)
        {
            task.Fill(ws.Input(0).Slice(0, length * options.Batch * AddingProblem.Features), targets);
            cell.Forward(ws, length);
            ReadOnlySpan<float> output = ws.Output(length);
            output.Slice((length - 1) * options.Batch * options.Hidden).CopyTo(last);
            head.Forward(last, prediction, options.Batch);
            Losses.MeanSquaredError<float>(prediction, targets, dPrediction);
            optimizer.ZeroGradients();
            head.Backward(last, dPrediction, dLast, options.Batch);
            Span<float> dOutput = ws.OutputGradient(length);
            dOutput.Clear();
            dLast.CopyTo(dOutput.Slice((length - 1) * options.Batch * options.Hidden));
            cell.Backward(ws, length);
            if (options.Clip == "norm")
                GradientClipping.ByGlobalNorm(modules, options.ClipThreshold);
            else if (options.Clip == "value")
                GradientClipping.ByValue(modules, options.ClipThreshold);
            optimizer.Step();
            if (step % every == 0 || step == options.Steps)
            {
                double loss = Evaluate(cell, head, evalWs, evalTargets, length);
                curve.Add((step, loss));
                progress?.Invoke(step, loss);
                if (solvedAt is null && loss < SolvedFraction * AddingProblem.BaselineLoss)
                    solvedAt = step;
            }
        }
        double final = curve[^1].Item2;
        double[] normsTrained = GradientNorms(cell, head, evalWs, evalTargets, length);
        return new TrainingResult(name, length, final, AddingProblem.BaselineLoss, final < SolvedFraction * AddingProblem.BaselineLoss, solvedAt, clock.Elapsed,
            curve, normsAtInit, normsTrained);
    }

    /// <summary>
    /// ‖∂L/∂h_k‖ (mean over the held-out batch) for every step k, with the loss on the last step:
    /// entry d is the norm at distance d = T−1−k from the loss. Its decay with d is the vanishing
    /// gradient; its growth, the exploding one.
    /// </summary>
    public static double[] GradientNorms(RecurrentCellBase<float> cell, Linear<float> head, SequenceWorkspace<float> ws, float[] targets, int length)
    {
        int batch = targets.Length, hidden = cell.StateSize(cell.OutputState);
        cell.Forward(ws, length);
        float[] last = ws.Output(length).Slice((length - 1) * batch * hidden, batch * hidden).ToArray();
        var prediction = new float[batch];
        var dPrediction = new float[batch];
        var dLast = new float[batch * hidden];
        head.Forward(last, prediction, batch);
        Losses.MeanSquaredError<float>(prediction, targets, dPrediction);
        float[] headGradients = (float[])head.Gradients.Clone();
        head.Backward(last, dPrediction, dLast, batch);
        headGradients.CopyTo(head.Gradients, 0);
        Span<float> dOutput = ws.OutputGradient(length);
        dOutput.Clear();
        dLast.CopyTo(dOutput.Slice((length - 1) * batch * hidden));
        float[] cellGradients = (float[])cell.Gradients.Clone();
        cell.Backward(ws, length);
        cellGradients.CopyTo(cell.Gradients, 0);
        var norms = new double[length];
        for (int k = 0; k < length; k++)
        {
            ReadOnlySpan<float> g = ws.StateGradient(cell.OutputState, k);
            double total = 0;
            for (int b = 0; b < batch; b++)
            {
                double sum = 0;
                for (int j = 0; j < hidden; j++)
                    sum += (double)g[b * hidden + j] * g[b * hidden + j];
                total += Math.Sqrt(sum);
            }
            norms[length - 1 - k] = total / batch;
        }
        return norms;
    }

    /// <summary>Held-out mean squared error of the read-out of the last step.</summary>
    public static double Evaluate(RecurrentCellBase<float> cell, Linear<float> head, SequenceWorkspace<float> ws, float[] targets, int length)
    {
        int batch = targets.Length, hidden = cell.StateSize(cell.OutputState);
        cell.Forward(ws, length);
        var last = ws.Output(length).Slice((length - 1) * batch * hidden, batch * hidden).ToArray();
        var prediction = new float[batch];
        head.Forward(last, prediction, batch);
        double loss = 0;
        for (int b = 0; b < batch; b++)
            loss += (prediction[b] - targets[b]) * (prediction[b] - targets[b]);
        return loss / batch;
    }
}
