using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using SeqGen.Model;

namespace SeqGen.Training;

/// <summary>
/// Finite-difference gradient checks in float64, for a user who writes an equation and wants to
/// know it trains. A cell is checked with a loss that is a fixed random linear function of every
/// output and final state, so its gradient is exactly what the generated backward computes; any
/// module tree is checked against a loss the caller computes. Central differences (ε = 1e-5) of
/// every parameter, input and initial state must agree with the analytic gradient to a relative
/// error below the tolerance. Use the float64 form of a cell: <c>GradientCheck.Run(new MyGru&lt;double&gt;(3, 8))</c>.
/// </summary>
public static class GradientCheck
{
    private const double Epsilon = 1e-5;

    /// <summary>The relative error below which a gradient passes.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>Checks a recurrent cell over <paramref name="steps"/> steps of <paramref name="batch"/> random sequences.</summary>
    /// <param name="cell">The cell, in float64.</param>
    /// <param name="steps">Steps of the sequences.</param>
    /// <param name="batch">Sequences in the batch.</param>
    /// <param name="lengths">Optional per-sequence lengths (padding takes no gradient), one per sequence.</param>
    /// <param name="seed">Seed of the random inputs, initial states and loss weights.</param>
    /// <param name="tolerance">Largest relative error that passes.</param>
    public static GradientCheckReport Run(RecurrentCellBase<double> cell, int steps = 6, int batch = 2, int[]? lengths = null, int seed = 12345,
        double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var random = new Random(seed);
        SequenceWorkspace<double> ws = cell.CreateWorkspace(steps, batch);
        if (lengths is not null)
            ws.SetLengths(lengths);
        for (int i = 0; i < cell.InputCount; i++)
            Fill(ws.Input(i).Slice(0, steps * batch * cell.InputSize(i)), random, 1.0);
        for (int s = 0; s < cell.StateCount; s++)
            Fill(ws.InitialState(s), random, 0.5);
        int outputSize = cell.StateSize(cell.OutputState);
        double[] outputWeights = RandomArray(steps * batch * outputSize, random);
        // Padded steps take no gradient, so the loss does not read their outputs.
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
            finalWeights[s] = RandomArray(batch * cell.StateSize(s), random);

        double Loss()
        {
            cell.Forward(ws, steps);
            double loss = Dot(ws.Output(steps), outputWeights);
            for (int s = 0; s < cell.StateCount; s++)
                loss += Dot(ws.FinalState(s), finalWeights[s]);
            return loss;
        }

        void Backward()
        {
            outputWeights.CopyTo(ws.OutputGradient(steps));
            for (int s = 0; s < cell.StateCount; s++)
                finalWeights[s].CopyTo(ws.FinalStateGradient(s));
            cell.Backward(ws, steps);
        }

        var report = Run(cell, Loss, Backward, tolerance);
        for (int i = 0; i < cell.InputCount; i++)
        {
            int input = i;
            int length = steps * batch * cell.InputSize(i);
            report.Add($"input {cell.InputName(i)}", ws.InputGradient(i).Slice(0, length).ToArray(), Numeric(length, () => ws.Input(input), Loss));
        }
        for (int s = 0; s < cell.StateCount; s++)
        {
            int state = s;
            report.Add($"initial {cell.StateName(s)}", ws.InitialStateGradient(s).ToArray(), Numeric(ws.InitialState(s).Length, () => ws.InitialState(state), Loss));
        }
        return report;
    }

    /// <summary>Checks a recursive cell over a batch of <paramref name="nodes"/> nodes with random children and inputs.</summary>
    public static GradientCheckReport Run(RecursiveCellBase<double> cell, int nodes = 3, int seed = 54321, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var random = new Random(seed);
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
            weights[s] = RandomArray(nodes * cell.StateSize(s), random);

        double Loss()
        {
            cell.Forward(ws, nodes);
            double loss = 0;
            for (int s = 0; s < cell.StateCount; s++)
                loss += Dot(ws.NewState(s), weights[s]);
            return loss;
        }

        void Backward()
        {
            for (int s = 0; s < cell.StateCount; s++)
                weights[s].CopyTo(ws.NewStateGradient(s));
            cell.Backward(ws, nodes);
        }

        var report = Run(cell, Loss, Backward, tolerance);
        for (int i = 0; i < cell.InputCount; i++)
        {
            int input = i;
            report.Add($"input {cell.InputName(i)}", ws.InputGradient(i).ToArray(), Numeric(ws.Input(i).Length, () => ws.Input(input), Loss));
        }
        for (int s = 0; s < cell.StateCount; s++)
        {
            for (int k = 0; k < cell.Arity; k++)
            {
                int state = s, child = k;
                report.Add($"child {k} {cell.StateName(s)}", ws.ChildStateGradient(s, k).ToArray(), Numeric(ws.ChildState(s, k).Length, () => ws.ChildState(state, child), Loss));
            }
        }
        return report;
    }

    /// <summary>
    /// Checks every parameter of <paramref name="model"/>: <paramref name="forward"/> computes the
    /// loss from the model's current parameters, <paramref name="backward"/> adds its gradient to
    /// them after a forward (gradients are zeroed first). A fixed parameter must get no gradient.
    /// </summary>
    public static GradientCheckReport Run(Module<double> model, Func<double> forward, Action backward, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        var report = new GradientCheckReport(tolerance);
        forward();
        model.ZeroGradients();
        backward();
        var analytic = new List<double[]>();
        IReadOnlyList<NamedParameter<double>> parameters = model.NamedParameters();
        foreach (NamedParameter<double> parameter in parameters)
            analytic.Add(parameter.Gradient.ToArray());
        for (int p = 0; p < parameters.Count; p++)
        {
            NamedParameter<double> parameter = parameters[p];
            if (!parameter.Trainable)
            {
                if (Array.Exists(analytic[p], g => g != 0))
                    report.AddFailure($"fixed parameter {parameter.Name} received a gradient");
                continue;
            }
            report.Add(parameter.Name, analytic[p], Numeric(parameter.Info.Length, () => parameter.Value, forward));
        }
        return report;
    }

    private static double[] Numeric(int length, Func<Span<double>> buffer, Func<double> loss)
    {
        var numeric = new double[length];
        for (int k = 0; k < length; k++)
        {
            double saved = buffer()[k];
            buffer()[k] = saved + Epsilon;
            double plus = loss();
            buffer()[k] = saved - Epsilon;
            double minus = loss();
            buffer()[k] = saved;
            numeric[k] = (plus - minus) / (2 * Epsilon);
        }
        return numeric;
    }

    private static double Dot(ReadOnlySpan<double> x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    private static double[] RandomArray(int length, Random random)
    {
        var values = new double[length];
        Fill(values, random, 1.0);
        return values;
    }

    private static void Fill(Span<double> values, Random random, double scale)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = scale * (2 * random.NextDouble() - 1);
    }
}

/// <summary>The result of a <see cref="GradientCheck"/>: one entry per tensor checked, and a readable table.</summary>
public sealed class GradientCheckReport
{
    private readonly List<GradientCheckEntry> _entries = new();
    private readonly List<string> _failures = new();

    internal GradientCheckReport(double tolerance) => Tolerance = tolerance;

    /// <summary>The largest relative error that passes.</summary>
    public double Tolerance { get; }

    /// <summary>Every tensor checked, in order.</summary>
    public IReadOnlyList<GradientCheckEntry> Entries => _entries;

    /// <summary>A line for each tensor that failed; empty when the check passed.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>True when every tensor's gradient agrees with finite differences.</summary>
    public bool Passed => _failures.Count == 0;

    /// <summary>The largest relative error over all tensors.</summary>
    public double MaxRelativeError
    {
        get
        {
            double max = 0;
            foreach (GradientCheckEntry entry in _entries)
                max = Math.Max(max, double.IsNaN(entry.RelativeError) ? double.PositiveInfinity : entry.RelativeError);
            return max;
        }
    }

    internal void AddFailure(string failure) => _failures.Add(failure);

    // Relative error ‖a − n‖ / max(‖a‖, ‖n‖) of one tensor's gradient.
    internal void Add(string name, double[] analytic, double[] numeric)
    {
        double difference = 0, a = 0, n = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            difference += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += analytic[i] * analytic[i];
            n += numeric[i] * numeric[i];
        }
        double scale = Math.Max(Math.Sqrt(Math.Max(a, n)), 1e-12);
        var entry = new GradientCheckEntry(name, analytic.Length, Math.Sqrt(difference) / scale, Math.Sqrt(a), Math.Sqrt(n));
        _entries.Add(entry);
        if (!(entry.RelativeError < Tolerance))
            _failures.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: relative error {entry.RelativeError:E2} (|analytic| {entry.AnalyticNorm:E3}, |numeric| {entry.NumericNorm:E3})"));
        if (a == 0 && n == 0 && analytic.Length > 0)
            _failures.Add($"{name}: gradient is identically zero, so the check proves nothing");
    }

    /// <summary>A table of every tensor's relative error, then the failures.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Gradient check ({(Passed ? "passed" : "FAILED")}, tolerance {Tolerance:E0}):\n");
        foreach (GradientCheckEntry entry in _entries)
            text.Append(CultureInfo.InvariantCulture, $"  {entry.Name,-24} {entry.Elements,7} elements  relative error {entry.RelativeError:E2}\n");
        foreach (string failure in _failures)
            text.Append("  FAILED ").Append(failure).Append('\n');
        return text.ToString();
    }
}

/// <summary>One tensor of a gradient check.</summary>
/// <param name="Name">The parameter's path, or "input x", "initial h", "child 0 h".</param>
/// <param name="Elements">Elements compared.</param>
/// <param name="RelativeError">‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖).</param>
/// <param name="AnalyticNorm">‖analytic‖.</param>
/// <param name="NumericNorm">‖numeric‖.</param>
public readonly record struct GradientCheckEntry(string Name, int Elements, double RelativeError, double AnalyticNorm, double NumericNorm);
