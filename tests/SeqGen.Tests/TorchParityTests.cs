using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>
/// A two-layer bidirectional LSTM stack of the stock Lstm cell, given PyTorch's weights, matches
/// nn.LSTM(num_layers=2, bidirectional=True): outputs, final states and every gradient, for the
/// loss on the outputs alone and with the final states (fixtures produced by real PyTorch).
/// </summary>
public class TorchParityTests
{
    private static readonly string[] Gates = { "i", "f", "g", "o" }; // PyTorch's block order

    [Fact]
    public void BidirectionalTwoLayerLstm_Float64() => Check<double>("lstm_2layer_bidir.f64.safetensors", 1e-10);

    [Fact]
    public void BidirectionalTwoLayerLstm_Float32() => Check<float>("lstm_2layer_bidir.f32.safetensors", 1e-5);

    private static void Check<T>(string file, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var f = SafeTensors.Read(Path.Combine(GoldenRoot(), "tests", "SeqGen.Tests", "Fixtures", file));
        const int steps = 5, batch = 2, input = 4, hidden = 3;
        var stack = new RecurrentStack<T>((layer, direction, size) => new Lstm<T>(size, hidden), input, layers: 2, bidirectional: true);
        for (int l = 0; l < 2; l++)
        {
            for (int d = 0; d < 2; d++)
                LoadLayer(stack.Cell(l, d), f, Suffix(l, d), hidden);
        }
        var ws = stack.CreateWorkspace(steps, batch);
        Copy(f["x"].Values, ws.Input);
        for (int k = 0; k < 4; k++)
        {
            // PyTorch orders h0 and c0 as l0, l0_reverse, l1, l1_reverse; the Lstm's states are c then h.
            Copy(f["c0"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.InitialState(k / 2, k % 2, 0));
            Copy(f["h0"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.InitialState(k / 2, k % 2, 1));
        }

        foreach (bool full in new[] { false, true })
        {
            stack.Forward(ws, steps);
            Near(f["output"].Values, ws.Output(steps), tolerance, "output");
            for (int k = 0; k < 4; k++)
            {
                Near(f["h_n"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.FinalState(k / 2, k % 2, 1), tolerance, "h_n");
                Near(f["c_n"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.FinalState(k / 2, k % 2, 0), tolerance, "c_n");
                Copy(full ? f["R_h_n"].Values.AsSpan(k * batch * hidden, batch * hidden) : new double[batch * hidden], ws.FinalStateGradient(k / 2, k % 2, 1));
                Copy(full ? f["R_c_n"].Values.AsSpan(k * batch * hidden, batch * hidden) : new double[batch * hidden], ws.FinalStateGradient(k / 2, k % 2, 0));
            }
            Copy(f["R"].Values, ws.OutputGradient(steps));
            foreach (IParameterized<T> module in stack.Modules)
                Array.Clear(module.Gradients);
            stack.Backward(ws, steps);

            string grad = full ? "grad_full." : "grad.";
            Near(f[grad + "x"].Values, ws.InputGradient, tolerance, grad + "x");
            for (int k = 0; k < 4; k++)
            {
                Near(f[grad + "h0"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.InitialStateGradient(k / 2, k % 2, 1), tolerance, grad + "h0");
                Near(f[grad + "c0"].Values.AsSpan(k * batch * hidden, batch * hidden), ws.InitialStateGradient(k / 2, k % 2, 0), tolerance, grad + "c0");
            }
            for (int l = 0; l < 2; l++)
            {
                for (int d = 0; d < 2; d++)
                {
                    RecurrentCellBase<T> cell = stack.Cell(l, d);
                    string suffix = Suffix(l, d);
                    for (int g = 0; g < 4; g++)
                    {
                        Near(Rows(f[grad + "weight_ih" + suffix], g, hidden), cell.Gradient("W_" + Gates[g]), tolerance, grad + "weight_ih" + suffix);
                        Near(Rows(f[grad + "weight_hh" + suffix], g, hidden), cell.Gradient("U_" + Gates[g]), tolerance, grad + "weight_hh" + suffix);
                        // One bias here stands for PyTorch's two, which both get its gradient.
                        Near(Rows(f[grad + "bias_ih" + suffix], g, hidden), cell.Gradient("b_" + Gates[g]), tolerance, grad + "bias_ih" + suffix);
                        Near(Rows(f[grad + "bias_hh" + suffix], g, hidden), cell.Gradient("b_" + Gates[g]), tolerance, grad + "bias_hh" + suffix);
                    }
                }
            }
        }
    }

    private static string Suffix(int layer, int direction) => $"_l{layer}" + (direction == 1 ? "_reverse" : "");

    private static void LoadLayer<T>(RecurrentCellBase<T> cell, IReadOnlyDictionary<string, SafeTensor> f, string suffix, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int g = 0; g < 4; g++)
        {
            Copy(Rows(f["weight_ih" + suffix], g, hidden), cell.Parameter("W_" + Gates[g]));
            Copy(Rows(f["weight_hh" + suffix], g, hidden), cell.Parameter("U_" + Gates[g]));
            ReadOnlySpan<double> ih = Rows(f["bias_ih" + suffix], g, hidden), hh = Rows(f["bias_hh" + suffix], g, hidden);
            Span<T> bias = cell.Parameter("b_" + Gates[g]);
            for (int i = 0; i < bias.Length; i++)
                bias[i] = T.CreateChecked(ih[i] + hh[i]);
        }
    }

    // Gate block g of a [4H, ...] tensor.
    private static ReadOnlySpan<double> Rows(SafeTensor tensor, int gate, int hidden)
    {
        int columns = tensor.Shape.Length > 1 ? tensor.Shape[1] : 1;
        return tensor.Values.AsSpan(gate * hidden * columns, hidden * columns);
    }

    private static void Copy<T>(ReadOnlySpan<double> from, Span<T> to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(from.Length <= to.Length, $"{from.Length} values do not fit {to.Length}");
        for (int i = 0; i < from.Length; i++)
            to[i] = T.CreateChecked(from[i]);
    }

    private static void Near<T>(ReadOnlySpan<double> expected, ReadOnlySpan<T> actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double a = double.CreateChecked(actual[i]);
            // Relative agreement, with an absolute floor (1e-6 in float32, as the fixtures' README says).
            double floor = typeof(T) == typeof(float) ? 1e-6 : 1e-14;
            Assert.True(Math.Abs(a - expected[i]) <= tolerance * Math.Abs(expected[i]) + floor,
                $"{what}[{i}]: {a} vs PyTorch {expected[i]}");
        }
    }

    private static string GoldenRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SeqGen.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root not found.");
    }
}
