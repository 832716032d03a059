using System;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Every stock cell and every test cell, checked against finite differences in float64, with odd sizes.</summary>
public class GradientTests
{
    private const int I = 5, H = 13;

    private static void Check(RecurrentCellBase<double> cell) => Assert.Empty(GradientCheck.Run(cell).Failures);

    [Fact] public void ElmanRnn() => Check(new ElmanRnn<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void ElmanReluRnn() => Check(new ElmanReluRnn<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void ChoGru() => Check(new ChoGru<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void Gru() => Check(new Gru<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void Lstm() => Check(new Lstm<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void PeepholeLstm() => Check(new PeepholeLstm<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void DiagonalPeepholeLstm() => Check(new DiagonalPeepholeLstm<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void CoupledLstm() => Check(new CoupledLstm<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void LeakyRnn() => Check(new LeakyRnn<double>(inputSize: I, hiddenSize: H, seed: 1, mu: 0.7));
    [Fact] public void LearnedLeakyRnn() => Check(new LearnedLeakyRnn<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void ResidualRnn() => Check(new ResidualRnn<double>(inputSize: I, hiddenSize: H, seed: 1));
    [Fact] public void SkipRnn() => Check(new SkipRnn<double>(inputSize: I, hiddenSize: H, seed: 1));

    [Fact]
    public void LayerNormLstm()
    {
        var cell = new LayerNormLstm<double>(inputSize: I, hiddenSize: H, seed: 1);
        // Gains away from 1 and a cell-norm bias away from 0, so every path is exercised.
        var random = new Random(3);
        foreach (string name in new[] { "gx_i", "gh_i", "gx_f", "gh_f", "gx_o", "gh_o", "gx_g", "gh_g", "g_c", "b_c" })
        {
            Span<double> values = cell.Parameter(name);
            for (int j = 0; j < values.Length; j++)
                values[j] = 0.5 + random.NextDouble();
        }
        Check(cell);
    }

    [Fact]
    public void TreeLstm() => Assert.Empty(GradientCheck.Run(new TreeLstm<double>(inputSize: I, hiddenSize: H, seed: 1), nodes: 4).Failures);

    [Fact]
    public void TreeRnn() => Assert.Empty(GradientCheck.Run(new TreeRnn<double>(hiddenSize: H, seed: 1)).Failures);

    [Fact] public void TwoInputs() => Check(new TwoInputRnn<double>(hiddenSize: H, xSize: I, ctxSize: 3, seed: 2));
    [Fact] public void ProjectionLstm_StatesOfDifferentSizes() => Check(new ProjectionLstm<double>(hiddenSize: H, pSize: 7, inputSize: I, seed: 2));
    [Fact] public void ScalarLearnedParameter() => Check(new ScalarLeakRnn<double>(inputSize: I, hiddenSize: H, seed: 2));
    [Fact] public void Concatenation() => Check(new ConcatRnn<double>(hiddenSize: H, inputSize: I, seed: 2));
    [Fact] public void LagOfThree() => Assert.Empty(GradientCheck.Run(new LagThreeRnn<double>(inputSize: I, hiddenSize: H, seed: 2), steps: 7).Failures);
    [Fact] public void EveryFunction() => Check(new EveryFunctionRnn<double>(inputSize: I, hiddenSize: H, seed: 2));

    [Fact]
    public void RecursiveCellWithInputsAndTwoStates() =>
        Assert.Empty(GradientCheck.Run(new TernaryTreeCell<double>(hiddenSize: H, inputSize: I, seed: 2), nodes: 4).Failures);

    [Fact]
    public void LongerBatchAndSequence() => Check(new Lstm<double>(inputSize: 3, hiddenSize: 17, seed: 9));
}
