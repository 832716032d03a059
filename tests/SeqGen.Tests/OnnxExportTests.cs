using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;

namespace SeqGen.Tests;

/// <summary>Every exported stack runs in ONNX Runtime and gives SeqGen's outputs and final states within 1e-5, with variable lengths and reversed directions.</summary>
public class OnnxExportTests
{
    private const int Steps = 7, Batch = 3, Inputs = 4, Hidden = 5;

    private static readonly int[] Lengths = { 7, 4, 1 };

    private static RecurrentCellBase<float> Create(string kind, int input, int seed) => kind switch
    {
        "Lstm" => new Lstm(input, Hidden, seed),
        "DiagonalPeepholeLstm" => new DiagonalPeepholeLstm(input, Hidden, seed),
        "CoupledLstm" => new CoupledLstm(input, Hidden, seed),
        "Gru" => new Gru(input, Hidden, seed),
        "ChoGru" => new ChoGru(input, Hidden, seed),
        "ElmanRnn" => new ElmanRnn(input, Hidden, seed),
        "ElmanReluRnn" => new ElmanReluRnn(input, Hidden, seed),
        _ => new PeepholeLstm(input, Hidden, seed),
    };

    private static RecurrentStack<float> Stack(string kind, int layers, bool bidirectional)
    {
        var stack = new RecurrentStack<float>((layer, direction, input) => Create(kind, input, 10 * layer + direction + 1), Inputs, layers, bidirectional);
        // Every parameter random and away from its initial pattern (biases, peepholes and gains included).
        var random = new Random(kind.Length * 31 + layers);
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < stack.Directions; d++)
            {
                Span<float> p = stack.Cell(l, d).Parameters;
                for (int i = 0; i < p.Length; i++)
                    p[i] = (float)(random.NextDouble() - 0.5);
            }
        stack.Eval();
        return stack;
    }

    private static float[] Input()
    {
        var random = new Random(5);
        var x = new float[Steps * Batch * Inputs];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    private static Dictionary<string, float[]> RunOnnx(byte[] model, string inputName, NamedOnnxValue input)
    {
        using var session = new InferenceSession(model);
        var inputs = new List<NamedOnnxValue> { input, NamedOnnxValue.CreateFromTensor("sequence_lens", new DenseTensor<int>(Lengths, new[] { Batch })) };
        using var results = session.Run(inputs);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{what}[{i}]: SeqGen {expected[i]}, ONNX Runtime {actual[i]}");
    }

    [Theory]
    [InlineData("Lstm", 2, true)]
    [InlineData("Lstm", 1, false)]
    [InlineData("DiagonalPeepholeLstm", 1, true)]
    [InlineData("CoupledLstm", 2, true)]
    [InlineData("Gru", 2, true)]
    [InlineData("ChoGru", 1, true)]
    [InlineData("ElmanRnn", 2, false)]
    [InlineData("ElmanReluRnn", 1, true)]
    public void ExportedStacks_MatchSeqGen_InOnnxRuntime(string kind, int layers, bool bidirectional)
    {
        RecurrentStack<float> stack = Stack(kind, layers, bidirectional);
        float[] x = Input();
        StackWorkspace<float> ws = stack.CreateWorkspace(Steps, Batch);
        x.CopyTo(ws.Input);
        ws.SetLengths(Lengths);
        stack.Forward(ws, Steps);
        var onnx = RunOnnx(OnnxExport.Export(stack), "input", NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, new[] { Steps, Batch, Inputs })));

        // Outputs within each sequence's length (ONNX writes zeros past it).
        ReadOnlySpan<float> output = ws.Output(Steps);
        int width = stack.OutputSize;
        for (int t = 0; t < Steps; t++)
            for (int b = 0; b < Batch; b++)
                if (t < Lengths[b])
                    AssertClose(output.Slice((t * Batch + b) * width, width), onnx["output"].AsSpan((t * Batch + b) * width, width), $"{kind} output t={t} b={b}");
        int directions = stack.Directions;
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < directions; d++)
            {
                RecurrentCellBase<float> cell = stack.Cell(l, d);
                int row = (l * directions + d) * Batch * Hidden;
                AssertClose(ws.FinalState(l, d, cell.OutputState), onnx["h_n"].AsSpan(row, Batch * Hidden), $"{kind} h_n layer {l} direction {d}");
                if (onnx.TryGetValue("c_n", out float[]? c))
                    AssertClose(ws.FinalState(l, d, 1 - cell.OutputState), c.AsSpan(row, Batch * Hidden), $"{kind} c_n layer {l} direction {d}");
            }
    }

    [Fact]
    public void EmbeddingAndLinearHead_ExportAsGatherAndGemm()
    {
        var embedding = new Embedding<float>(11, Inputs, seed: 2);
        RecurrentStack<float> stack = Stack("Gru", 1, true);
        var head = new Linear<float>(stack.OutputSize, 6, seed: 3);
        var random = new Random(9);
        var tokens = new int[Steps * Batch];
        for (int i = 0; i < tokens.Length; i++)
            tokens[i] = random.Next(11);
        StackWorkspace<float> ws = stack.CreateWorkspace(Steps, Batch);
        embedding.Forward(tokens, ws.Input);
        ws.SetLengths(Lengths);
        stack.Forward(ws, Steps);
        var logits = new float[Steps * Batch * 6];
        head.Forward(ws.Output(Steps), logits, Steps * Batch);
        var onnx = RunOnnx(OnnxExport.Export(stack, embedding, head), "tokens",
            NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(tokens.Select(t => (long)t).ToArray(), new[] { Steps, Batch })));
        for (int t = 0; t < Steps; t++)
            for (int b = 0; b < Batch; b++)
                if (t < Lengths[b])
                    AssertClose(logits.AsSpan((t * Batch + b) * 6, 6), onnx["output"].AsSpan((t * Batch + b) * 6, 6), $"logits t={t} b={b}");
    }

    [Fact]
    public void ACellNoOperatorComputes_IsNamedInTheError()
    {
        var error = Assert.Throws<NotSupportedException>(() => OnnxExport.Export(Stack("PeepholeLstm", 2, true)));
        Assert.Contains("Layer 0 (forward) is a PeepholeLstm, which no ONNX operator computes", error.Message);
        Assert.Contains("Lstm, DiagonalPeepholeLstm, CoupledLstm, Gru, ChoGru, ElmanRnn and ElmanReluRnn", error.Message);
    }
}
