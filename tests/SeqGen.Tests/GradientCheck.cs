using System;
using System.Collections.Generic;
using SeqGen.Model;

namespace SeqGen.Tests;

/// <summary>
/// Finite-difference checks of generated backward code in float64: the loss is a fixed random
/// linear function of every output and final state, so its gradient is the generated backward's
/// result; central differences of the forward must agree to a relative error below 1e-6.
/// </summary>
internal static class GradientCheck
{
    private const double Epsilon = 1e-6;
    public const double Tolerance = 1e-6;

    public static List<string> Recurrent(RecurrentCellBase<double> cell, int steps = 6, int batch = 2, int[]? lengths = null)
    {
        var random = new Random(12345);
        SequenceWorkspace<double> ws = cell.CreateWorkspace(steps, batch);
        if (lengths is not null)
            ws.SetLengths(lengths);
        for (int i = 0; i < cell.InputCount; i++)
            Fill(ws.Input(i).Slice(0, steps * batch * cell.InputSize(i)), random, 1.0);
        for (int s = 0; s < cell.StateCount; s++)
            Fill(ws.InitialState(s), random, 0.5);
        double[] outputWeights = Random(steps * batch * cell.StateSize(cell.OutputState), random);
        // Padded steps take no gradient, so the loss does not read their outputs.
        int outputSize = cell.StateSize(cell.OutputState);
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                if (ws.IsPadding(t, b))
                    Array.Clear(outputWeights, (t * batch + b) * outputSize, outputSize);
            }
        }
        var finalWeights = new double[cell.StateCount][];
        for (int s = 0; s < cell.StateCount; s++)
            finalWeights[s] = Random(batch * cell.StateSize(s), random);

        double Loss()
        {
            cell.Forward(ws, steps);
            double loss = Dot(ws.Output(steps), outputWeights);
            for (int s = 0; s < cell.StateCount; s++)
                loss += Dot(ws.FinalState(s), finalWeights[s]);
            return loss;
        }

        Loss();
        outputWeights.CopyTo(ws.OutputGradient(steps));
        for (int s = 0; s < cell.StateCount; s++)
            finalWeights[s].CopyTo(ws.FinalStateGradient(s));
        cell.ZeroGradients();
        cell.Backward(ws, steps);

        var failures = new List<string>();
        CheckParameters(cell, Loss, failures);
        for (int i = 0; i < cell.InputCount; i++)
        {
            double[] analytic = ws.InputGradient(i).Slice(0, steps * batch * cell.InputSize(i)).ToArray();
            Compare($"input {cell.InputName(i)}", analytic, Numeric(ws.Input(i).Slice(0, analytic.Length).ToArray().Length, k => ws.Input(i), Loss), failures);
        }
        for (int s = 0; s < cell.StateCount; s++)
        {
            double[] analytic = ws.InitialStateGradient(s).ToArray();
            Compare($"initial {cell.StateName(s)}", analytic, Numeric(analytic.Length, k => ws.InitialState(s), Loss), failures);
        }
        return failures;
    }

    public static List<string> Recursive(RecursiveCellBase<double> cell, int nodes = 3)
    {
        var random = new Random(54321);
        NodeWorkspace<double> ws = cell.CreateWorkspace(nodes);
        for (int i = 0; i < cell.InputCount; i++)
            Fill(ws.Input(i), random, 1.0);
        for (int s = 0; s < cell.StateCount; s++)
        {
            for (int k = 0; k < cell.Arity; k++)
                Fill(ws.ChildState(s, k), random, 0.8);
        }
        var weights = new double[cell.StateCount][];
        for (int s = 0; s < cell.StateCount; s++)
            weights[s] = Random(nodes * cell.StateSize(s), random);

        double Loss()
        {
            cell.Forward(ws, nodes);
            double loss = 0;
            for (int s = 0; s < cell.StateCount; s++)
                loss += Dot(ws.NewState(s), weights[s]);
            return loss;
        }

        Loss();
        for (int s = 0; s < cell.StateCount; s++)
            weights[s].CopyTo(ws.NewStateGradient(s));
        cell.ZeroGradients();
        cell.Backward(ws, nodes);

        var failures = new List<string>();
        CheckParameters(cell, Loss, failures);
        for (int i = 0; i < cell.InputCount; i++)
        {
            double[] analytic = ws.InputGradient(i).ToArray();
            Compare($"input {i}", analytic, Numeric(analytic.Length, _ => ws.Input(i), Loss), failures);
        }
        for (int s = 0; s < cell.StateCount; s++)
        {
            for (int k = 0; k < cell.Arity; k++)
            {
                double[] analytic = ws.ChildStateGradient(s, k).ToArray();
                Compare($"child {k} state {s}", analytic, Numeric(analytic.Length, _ => ws.ChildState(s, k), Loss), failures);
            }
        }
        return failures;
    }

    private static void CheckParameters(CellBase<double> cell, Func<double> loss, List<string> failures)
    {
        double[] gradients = (double[])cell.Gradients.Clone();
        foreach (ParameterInfo info in cell.ParameterInfos)
        {
            double[] analytic = gradients.AsSpan(info.Offset, info.Length).ToArray();
            if (!info.Trainable)
            {
                if (Array.Exists(analytic, g => g != 0))
                    failures.Add($"fixed parameter {info.Name} received a gradient");
                continue;
            }
            double[] numeric = new double[info.Length];
            for (int k = 0; k < info.Length; k++)
                numeric[k] = Derivative(cell.Parameters, info.Offset + k, loss);
            Compare("parameter " + info.Name, analytic, numeric, failures);
        }
    }

    private delegate Span<double> Buffer(int index);

    private static double[] Numeric(int length, Buffer buffer, Func<double> loss)
    {
        var numeric = new double[length];
        for (int k = 0; k < length; k++)
        {
            Span<double> values = buffer(k);
            double saved = values[k];
            values[k] = saved + Epsilon;
            double plus = loss();
            buffer(k)[k] = saved - Epsilon;
            double minus = loss();
            buffer(k)[k] = saved;
            numeric[k] = (plus - minus) / (2 * Epsilon);
        }
        return numeric;
    }

    private static double Derivative(double[] values, int index, Func<double> loss)
    {
        double saved = values[index];
        values[index] = saved + Epsilon;
        double plus = loss();
        values[index] = saved - Epsilon;
        double minus = loss();
        values[index] = saved;
        return (plus - minus) / (2 * Epsilon);
    }

    /// <summary>Relative error ‖a − n‖ / max(‖a‖, ‖n‖) of one tensor's gradient.</summary>
    private static void Compare(string what, double[] analytic, double[] numeric, List<string> failures)
    {
        double difference = 0, a = 0, n = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            difference += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += analytic[i] * analytic[i];
            n += numeric[i] * numeric[i];
        }
        double scale = Math.Max(Math.Sqrt(Math.Max(a, n)), 1e-12);
        double error = Math.Sqrt(difference) / scale;
        if (!(error < Tolerance))
            failures.Add($"{what}: relative error {error:E2} (|analytic| {Math.Sqrt(a):E3}, |numeric| {Math.Sqrt(n):E3})");
        if (a == 0 && n == 0 && analytic.Length > 0)
            failures.Add($"{what}: gradient is identically zero, so the check proves nothing");
    }

    private static double Dot(ReadOnlySpan<double> x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    private static double[] Random(int length, Random random)
    {
        var values = new double[length];
        Fill(values, random, 1.0);
        return values;
    }

    public static void Fill(Span<double> values, Random random, double scale)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = scale * (2 * random.NextDouble() - 1);
    }
}
