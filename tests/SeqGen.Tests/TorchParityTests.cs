using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>
/// Stock cells given PyTorch's weights match nn.RNN, nn.GRU, nn.LSTM (one layer, and two layers
/// bidirectional) and nn.GRUCell, nn.LSTMCell: outputs, final states and every gradient, for the
/// loss on the outputs and with the final states added (fixtures from real PyTorch).
/// </summary>
public class TorchParityTests
{
    public static TheoryData<string, TorchModule> Cases => new()
    {
        { "rnn_tanh", TorchModule.RnnTanh },
        { "gru", TorchModule.Gru },
        { "lstm", TorchModule.Lstm },
        { "lstm_2layer_bidir", TorchModule.Lstm },
        { "gru_cell", TorchModule.Gru },
        { "lstm_cell", TorchModule.Lstm },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_Within1e10(string name, TorchModule module) => Check<double>(name, module, "f64", 1e-10, 1e-14);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_Within1e5(string name, TorchModule module) => Check<float>(name, module, "f32", 1e-5, 1e-6);

    internal static IReadOnlyDictionary<string, SafeTensor> Fixture(string name, string precision) =>
        SafeTensors.Read(TestFiles.Path($"tests/SeqGen.Tests/Fixtures/{name}.{precision}.safetensors"));

    internal static RecurrentCellBase<T> Create<T>(TorchModule module, int input, int hidden) where T : unmanaged, IFloatingPointIeee754<T> => module switch
    {
        TorchModule.RnnTanh => new ElmanRnn<T>(input, hidden),
        TorchModule.RnnRelu => new ElmanReluRnn<T>(input, hidden),
        TorchModule.Gru => new Gru<T>(input, hidden),
        _ => new Lstm<T>(input, hidden),
    };

    private static void Check<T>(string name, TorchModule module, string precision, double tolerance, double floor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var f = Fixture(name, precision);
        bool isCell = name.EndsWith("_cell", StringComparison.Ordinal);
        int[] x = f["x"].Shape;
        int steps = isCell ? 1 : x[0], batch = isCell ? x[0] : x[1], input = x[^1];
        int hidden = f["h0"].Shape[^1];
        int layers = isCell ? 1 : f.Keys.Count(k => k.StartsWith("weight_ih_l", StringComparison.Ordinal) && !k.EndsWith("_reverse", StringComparison.Ordinal));
        bool bidirectional = f.ContainsKey("weight_ih_l0_reverse");
        var stack = new RecurrentStack<T>((l, d, size) => Create<T>(module, size, hidden), input, layers, bidirectional);
        if (isCell)
            TorchWeights.Import(stack.Cell(0, 0), module, f);
        else
            TorchWeights.Import(stack, module, f);

        var ws = stack.CreateWorkspace(steps, batch);
        Copy(f["x"].Values, ws.Input);
        int chunk = batch * hidden;
        var stateTensors = new (string Initial, string Final, string Weight, string State)[]
        {
            ("h0", isCell ? "h1" : "h_n", isCell ? "R_h1" : "R_h_n", "h"),
            ("c0", isCell ? "c1" : "c_n", isCell ? "R_c1" : "R_c_n", "c"),
        };
        for (int k = 0; k < stack.Layers * stack.Directions; k++)
        {
            foreach (var s in stateTensors)
            {
                if (f.ContainsKey(s.Initial))
                    Copy(f[s.Initial].Values.AsSpan(k * chunk, chunk), ws.InitialState(k / stack.Directions, k % stack.Directions, StateIndex(stack.Cell(0, 0), s.State)));
            }
        }

        foreach (bool full in f.ContainsKey("loss_full") ? new[] { false, true } : new[] { false })
        {
            stack.Forward(ws, steps);
            Near(f[isCell ? "h1" : "output"].Values, ws.Output(steps), tolerance, floor, "output");
            for (int k = 0; k < stack.Layers * stack.Directions; k++)
            {
                int l = k / stack.Directions, d = k % stack.Directions;
                foreach (var s in stateTensors)
                {
                    if (!f.ContainsKey(s.Final))
                        continue;
                    int state = StateIndex(stack.Cell(l, d), s.State);
                    Near(f[s.Final].Values.AsSpan(k * chunk, chunk), ws.FinalState(l, d, state), tolerance, floor, s.Final);
                    // The output already carries h1 of a cell module; only the extra weights go on its final state.
                    bool weighted = full && f.ContainsKey(s.Weight) && !(isCell && s.State == "h");
                    Copy(weighted ? f[s.Weight].Values.AsSpan(k * chunk, chunk) : new double[chunk], ws.FinalStateGradient(l, d, state));
                }
            }
            Copy(f["R"].Values, ws.OutputGradient(steps));
            stack.ZeroGradients();
            stack.Backward(ws, steps);

            string grad = full ? "grad_full." : "grad.";
            Near(f[grad + "x"].Values, ws.InputGradient, tolerance, floor, grad + "x");
            for (int k = 0; k < stack.Layers * stack.Directions; k++)
            {
                foreach (var s in stateTensors)
                {
                    if (f.ContainsKey(grad + s.Initial))
                    {
                        int state = StateIndex(stack.Cell(k / stack.Directions, k % stack.Directions), s.State);
                        Near(f[grad + s.Initial].Values.AsSpan(k * chunk, chunk), ws.InitialStateGradient(k / stack.Directions, k % stack.Directions, state), tolerance, floor, grad + s.Initial);
                    }
                }
            }
            IEnumerable<SafeTensor> ours = isCell
                ? TorchWeights.ExportLayer(stack.Cell(0, 0), module, "", gradients: true)
                : TorchWeights.ExportGradients(stack, module);
            int compared = 0;
            foreach (SafeTensor gradient in ours)
            {
                Near(f[grad + gradient.Name].Values, gradient.Values, tolerance, floor, grad + gradient.Name);
                compared++;
            }
            Assert.Equal(4 * stack.Layers * stack.Directions, compared);
        }
    }

    private static int StateIndex<T>(RecurrentCellBase<T> cell, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < cell.StateCount; s++)
        {
            if (cell.StateName(s) == name)
                return s;
        }
        return -1;
    }

    private static void Copy<T>(ReadOnlySpan<double> from, Span<T> to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(from.Length <= to.Length, $"{from.Length} values do not fit {to.Length}");
        for (int i = 0; i < from.Length; i++)
            to[i] = T.CreateChecked(from[i]);
    }

    private static void Near<T>(ReadOnlySpan<double> expected, ReadOnlySpan<T> actual, double tolerance, double floor, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double a = double.CreateChecked(actual[i]);
            Assert.True(Math.Abs(a - expected[i]) <= tolerance * Math.Abs(expected[i]) + floor, $"{what}[{i}]: {a} vs PyTorch {expected[i]}");
        }
    }
}
