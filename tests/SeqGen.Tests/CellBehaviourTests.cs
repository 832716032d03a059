using System;
using System.Linq;
using System.Numerics;
using SeqGen.Cells;
using SeqGen.Model;
using Xunit.Abstractions;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>What a generated cell does besides its gradient: precision, streaming, layout, initialisation, errors.</summary>
public class CellBehaviourTests(ITestOutputHelper output)
{
    [Fact]
    public void ReportsTheVectorWidthItRunsWith() =>
        output.WriteLine($"Vector<float>.Count = {Vector<float>.Count}, Vector<double>.Count = {Vector<double>.Count}");

    public static TheoryData<string> StockRecurrentCells => new()
    {
        "ElmanRnn", "ElmanReluRnn", "ChoGru", "Gru", "Lstm", "PeepholeLstm", "DiagonalPeepholeLstm", "CoupledLstm",
        "LeakyRnn", "LearnedLeakyRnn", "ResidualRnn", "SkipRnn", "EveryFunctionRnn",
    };

    internal static RecurrentCellBase<T> Create<T>(string name, int input, int hidden, int seed)
        where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "ElmanRnn" => new ElmanRnn<T>(input, hidden, seed),
        "ElmanReluRnn" => new ElmanReluRnn<T>(input, hidden, seed),
        "ChoGru" => new ChoGru<T>(input, hidden, seed),
        "Gru" => new Gru<T>(input, hidden, seed),
        "Lstm" => new Lstm<T>(input, hidden, seed),
        "PeepholeLstm" => new PeepholeLstm<T>(input, hidden, seed),
        "DiagonalPeepholeLstm" => new DiagonalPeepholeLstm<T>(input, hidden, seed),
        "CoupledLstm" => new CoupledLstm<T>(input, hidden, seed),
        "LeakyRnn" => new LeakyRnn<T>(input, hidden, seed),
        "LearnedLeakyRnn" => new LearnedLeakyRnn<T>(input, hidden, seed),
        "ResidualRnn" => new ResidualRnn<T>(input, hidden, seed),
        "SkipRnn" => new SkipRnn<T>(input, hidden, seed),
        "EveryFunctionRnn" => new EveryFunctionRnn<T>(input, hidden, seed),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(StockRecurrentCells))]
    public void Float32Forward_MatchesFloat64(string name)
    {
        const int steps = 7, batch = 3, input = 5, hidden = 13;
        var single = Create<float>(name, input, hidden, seed: 4);
        var dbl = Create<double>(name, input, hidden, seed: 4);
        var random = new Random(1);
        var x = new double[steps * batch * input];
        TestData.Fill(x, random, 1.0);
        var ws32 = single.CreateWorkspace(steps, batch);
        var ws64 = dbl.CreateWorkspace(steps, batch);
        for (int i = 0; i < x.Length; i++)
        {
            ws32.Input(0)[i] = (float)x[i];
            ws64.Input(0)[i] = x[i];
        }
        single.Forward(ws32, steps);
        dbl.Forward(ws64, steps);
        float[] out32 = ws32.Output(steps).ToArray();
        double[] out64 = ws64.Output(steps).ToArray();
        double worst = out32.Zip(out64, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"{name}: float32 differs from float64 by {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(StockRecurrentCells))]
    public void Streaming_MatchesTheSequenceForward(string name)
    {
        const int steps = 6, batch = 2, input = 4, hidden = 9;
        var cell = Create<double>(name, input, hidden, seed: 5);
        var random = new Random(2);
        var ws = cell.CreateWorkspace(steps, batch);
        TestData.Fill(ws.Input(0), random, 1.0);
        for (int s = 0; s < cell.StateCount; s++)
            TestData.Fill(ws.InitialState(s), random, 0.5);
        cell.Forward(ws, steps);

        StreamState<double> stream = cell.CreateStream(batch);
        for (int s = 0; s < cell.StateCount; s++)
            stream.SetState(s, ws.InitialState(s));
        int rowLength = batch * input, outLength = batch * cell.StateSize(cell.OutputState);
        for (int t = 0; t < steps; t++)
        {
            ws.Input(0).Slice(t * rowLength, rowLength).CopyTo(stream.Input(0));
            cell.Step(stream);
            // A sequence pass of a few rows reads transposed weights, a stream the weights as
            // they are: the same sums in another order, so equal to rounding.
            AssertClose(ws.Output(steps).Slice(t * outLength, outLength).ToArray(), stream.Output.ToArray(), $"step {t}");
        }
        for (int s = 0; s < cell.StateCount; s++)
            AssertClose(ws.FinalState(s).ToArray(), stream.State(s).ToArray(), $"final state {s}");
    }

    /// <summary>
    /// In float a stream whose gates read W·x + U·h computes the sum in one pass (one row) or as
    /// two products (three rows): either way the sequence pass's outputs, to float rounding.
    /// </summary>
    [Theory]
    [MemberData(nameof(StockRecurrentCells))]
    public void Float32Streaming_MatchesTheSequenceForward(string name)
    {
        const int steps = 5, input = 9, hidden = 20;
        foreach (int batch in new[] { 1, 3 })
        {
            var cell = Create<float>(name, input, hidden, seed: 3);
            var random = new Random(4);
            var ws = cell.CreateWorkspace(steps, batch);
            var x = new double[steps * batch * input];
            TestData.Fill(x, random, 1.0);
            for (int i = 0; i < x.Length; i++)
                ws.Input(0)[i] = (float)x[i];
            cell.Forward(ws, steps);
            StreamState<float> stream = cell.CreateStream(batch);
            int rowLength = batch * input, outLength = batch * cell.StateSize(cell.OutputState);
            for (int t = 0; t < steps; t++)
            {
                ws.Input(0).Slice(t * rowLength, rowLength).CopyTo(stream.Input(0));
                cell.Step(stream);
                float[] expected = ws.Output(steps).Slice(t * outLength, outLength).ToArray(), actual = stream.Output.ToArray();
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"{name}, batch {batch}, step {t}, element {i}: {actual[i]} against {expected[i]}");
            }
        }
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-13 * Math.Max(1, Math.Abs(expected[i])), $"{what}, element {i}: {actual[i]} against {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(StockRecurrentCells))]
    public void BatchedForward_MatchesEachSequenceAlone(string name)
    {
        // A batch of five takes the transposed-weight path; a single sequence the matrix-vector one.
        const int steps = 4, batch = 5, input = 6, hidden = 11;
        var cell = Create<double>(name, input, hidden, seed: 8);
        var ws = cell.CreateWorkspace(steps, batch);
        var random = new Random(6);
        TestData.Fill(ws.Input(0), random, 1.0);
        cell.Forward(ws, steps);
        for (int b = 0; b < batch; b++)
        {
            var alone = cell.CreateWorkspace(steps, 1);
            for (int t = 0; t < steps; t++)
                ws.Input(0).Slice((t * batch + b) * input, input).CopyTo(alone.Input(0).Slice(t * input, input));
            cell.Forward(alone, steps);
            int h = cell.StateSize(cell.OutputState);
            for (int t = 0; t < steps; t++)
            {
                double[] expected = alone.Output(steps).Slice(t * h, h).ToArray();
                double[] actual = ws.Output(steps).Slice((t * batch + b) * h, h).ToArray();
                for (int i = 0; i < h; i++)
                    Assert.Equal(expected[i], actual[i], 1e-12);
            }
        }
    }

    [Fact]
    public void SingleSequence_WithRecurrentWeightsPastTheCache_MatchesTheBatchedPass()
    {
        // 2080 × 520 doubles (8.7 MB) outgrow twice any L2 here, so a single sequence reads them
        // as stored (dot products of W's rows); the small input weights are still transposed.
        const int steps = 3, batch = 5, input = 8, hidden = 520;
        var cell = new Lstm<double>(input, hidden, seed: 4);
        var ws = cell.CreateWorkspace(steps, batch);
        TestData.Fill(ws.Input(0), new Random(3), 1.0);
        cell.Forward(ws, steps);
        var alone = cell.CreateWorkspace(steps, 1);
        const int b = 3;
        for (int t = 0; t < steps; t++)
            ws.Input(0).Slice((t * batch + b) * input, input).CopyTo(alone.Input(0).Slice(t * input, input));
        cell.Forward(alone, steps);
        for (int t = 0; t < steps; t++)
        {
            double[] expected = ws.Output(steps).Slice((t * batch + b) * hidden, hidden).ToArray();
            AssertClose(expected, alone.Output(steps).Slice(t * hidden, hidden).ToArray(), $"step {t}");
        }
    }

    [Fact]
    public void BatchedGradients_MatchFiniteDifferences() =>
        Assert.Empty(GradientCheck.Run(new Lstm<double>(inputSize: 3, hiddenSize: 6, seed: 2), steps: 4, batch: 5).Failures);

    [Fact]
    public void ConvenientStep_ChecksTheInputShape()
    {
        var cell = new Gru<float>(inputSize: 3, hiddenSize: 4);
        var stream = cell.CreateStream(batch: 2);
        cell.Step(stream, new float[6]);
        var error = Assert.Throws<ArgumentException>(() => cell.Step(stream, new float[5]));
        Assert.Equal("x", error.ParamName);
        Assert.Contains("[batch 2 x 3] = 6", error.Message);
    }

    [Fact]
    public void Forward_RejectsStepsBeyondCapacity_AndForeignWorkspaces()
    {
        var cell = new Lstm<double>(inputSize: 3, hiddenSize: 4);
        var ws = cell.CreateWorkspace(steps: 5, batch: 2);
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => cell.Forward(ws, 6));
        Assert.Equal("steps", tooMany.ParamName);
        var other = new Lstm<double>(inputSize: 3, hiddenSize: 4);
        var foreign = Assert.Throws<ArgumentException>(() => other.Backward(ws, 5));
        Assert.Equal("workspace", foreign.ParamName);
        var badSize = Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm<double>(inputSize: 0, hiddenSize: 4));
        Assert.Equal("inputSize", badSize.ParamName);
    }

    [Fact]
    public void Layout_GroupsMatricesByOperand_AndIsContiguous()
    {
        var gru = new Gru<float>(inputSize: 5, hiddenSize: 7);
        string[] names = gru.ParameterInfos.Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "W_r", "W_z", "W_n", "U_r", "U_z", "U_n", "b_ir", "b_hr", "b_iz", "b_hz", "b_in", "b_hn" }, names);
        int offset = 0;
        foreach (ParameterInfo info in gru.ParameterInfos)
        {
            Assert.Equal(offset, info.Offset);
            offset += info.Length;
        }
        Assert.Equal(offset, gru.Parameters.Length);
        Assert.Equal(new[] { 7, 5 }, gru.ParameterInfo("W_z").Shape);
        Assert.Equal(new[] { 7 }, gru.ParameterInfo("b_hn").Shape);
        Assert.Equal(gru.Parameters.Length, gru.Gradients.Length);
        // Each parameter also has a view named as in the equations, over the same buffer.
        gru.W_n[3] = 42f;
        Assert.Equal(42f, gru.Parameter("W_n")[3]);
        Assert.Equal(7 * 7, gru.U_z.Length);
    }

    [Fact]
    public void Initialisation_IsDeterministic_AndFollowsInit()
    {
        var a = new Lstm<double>(inputSize: 4, hiddenSize: 16, seed: 7);
        var b = new Lstm<double>(inputSize: 4, hiddenSize: 16, seed: 7);
        var c = new Lstm<double>(inputSize: 4, hiddenSize: 16, seed: 8);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.NotEqual(a.Parameters, c.Parameters);
        Assert.All(a.Parameter("b_f").ToArray(), v => Assert.Equal(1.0, v));
        double bound = 1 / Math.Sqrt(16);
        Assert.All(a.Parameter("U_i").ToArray(), v => Assert.InRange(v, -bound, bound));
        // float32 draws the same numbers, rounded.
        var single = new Lstm<float>(inputSize: 4, hiddenSize: 16, seed: 7);
        Assert.Equal(a.Parameters.Select(v => (float)v), single.Parameters);
    }

    [Fact]
    public void FixedHyperParameter_IsAConstructorArgument_AndGetsNoGradient()
    {
        var leaky = new LeakyRnn<double>(inputSize: 2, hiddenSize: 3, mu: 0.25);
        Assert.Equal(0.25, leaky.Parameter("mu")[0]);
        Assert.False(leaky.ParameterInfo("mu").Trainable);
        Assert.Equal(0.9, new LeakyRnn<double>(inputSize: 2, hiddenSize: 3).Parameter("mu")[0]);
        var unknown = Assert.Throws<ArgumentException>(() => leaky.Parameter("nu"));
        Assert.Contains("'nu' is not a parameter", unknown.Message);
        Assert.Contains("mu", unknown.Message);
    }

    [Fact]
    public void FloatCell_IsTheUsersClass()
    {
        RecurrentCellBase<float> cell = new Gru(inputSize: 3, hiddenSize: 4, seed: 1);
        Assert.Equal(new Gru<float>(3, 4, 1).Parameters, cell.Parameters);
        Assert.Contains("h' = (1 - z) * n + z * h", cell.Equations);
    }
}

/// <summary>The layer-normalised LSTM computes Ba et al.'s step: each gate's projections normalised apart, c' carried unnormalised.</summary>
public class LayerNormLstmTests
{
    private static double[] Norm(double[] v)
    {
        double mean = 0, variance = 0;
        foreach (double x in v) mean += x / v.Length;
        foreach (double x in v) variance += (x - mean) * (x - mean) / v.Length;
        return Array.ConvertAll(v, x => (x - mean) / Math.Sqrt(variance + 1e-5));
    }

    [Fact]
    public void OneStep_MatchesTheEquationsWrittenOut()
    {
        const int inputs = 3, hidden = 4;
        var cell = new SeqGen.Cells.LayerNormLstm<double>(inputs, hidden, seed: 2);
        var random = new Random(5);
        foreach (var parameter in cell.NamedParameters())
        {
            Span<double> v = parameter.Value;
            for (int j = 0; j < v.Length; j++)
                v[j] = random.NextDouble() * 2 - 1;
        }
        double[] x = { 0.3, -0.7, 1.1 }, h = { 0.2, -0.1, 0.4, 0.05 }, c = { 1.5, -2, 0.5, 3 };
        double[] Project(string name, double[] v)
        {
            ReadOnlySpan<double> w = cell.Parameter(name);
            var y = new double[hidden];
            for (int r = 0; r < hidden; r++)
                for (int k = 0; k < v.Length; k++)
                    y[r] += w[r * v.Length + k] * v[k];
            return y;
        }
        double[] Gate(string g, Func<double, double> f)
        {
            double[] nx = Norm(Project("W_" + g, x)), nh = Norm(Project("U_" + g, h));
            ReadOnlySpan<double> gx = cell.Parameter("gx_" + g), gh = cell.Parameter("gh_" + g), b = cell.Parameter("b_" + g);
            var a = new double[hidden];
            for (int j = 0; j < hidden; j++)
                a[j] = f(gx[j] * nx[j] + gh[j] * nh[j] + b[j]);
            return a;
        }
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double[] i = Gate("i", Sigmoid), f = Gate("f", Sigmoid), o = Gate("o", Sigmoid), g = Gate("g", Math.Tanh);
        var cNew = new double[hidden];
        for (int j = 0; j < hidden; j++)
            cNew[j] = f[j] * c[j] + i[j] * g[j];
        double[] nc = Norm(cNew);
        var stream = cell.CreateStream(1);
        int hState = cell.StateName(0) == "h" ? 0 : 1, cState = 1 - hState;
        Assert.Equal("c", cell.StateName(cState));
        x.CopyTo(stream.Input(0));
        h.CopyTo(stream.State(hState));
        c.CopyTo(stream.State(cState));
        cell.Step(stream);
        ReadOnlySpan<double> gc = cell.Parameter("g_c"), bc = cell.Parameter("b_c");
        for (int j = 0; j < hidden; j++)
        {
            Assert.Equal(o[j] * Math.Tanh(gc[j] * nc[j] + bc[j]), stream.State(hState)[j], 12);
            // The carried state is c' itself, not its normalised form.
            Assert.Equal(cNew[j], stream.State(cState)[j], 12);
        }
    }
}
