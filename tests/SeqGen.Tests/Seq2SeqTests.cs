using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Modules;
using SeqGen.Models;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>The encoder–decoder: gradients end to end, decoding, and a reversal task learned.</summary>
public class Seq2SeqTests
{
    private const int Begin = 10, End = 11;

    private static Seq2Seq<TNumber> Model<TNumber>(AttentionScore? score, int embedding, int hidden, int seed = 1)
        where TNumber : unmanaged, System.Numerics.IFloatingPointIeee754<TNumber>
    {
        var encoder = new RecurrentStack<TNumber>((layer, direction, input) => new Gru<TNumber>(input, hidden, seed: seed + 10 * layer + direction), inputSize: embedding, layers: 1, bidirectional: true);
        var decoder = new AttentionGru<TNumber>(ySize: embedding, ctxSize: 2 * hidden, hiddenSize: hidden, seed: seed + 5);
        return new Seq2Seq<TNumber>(10, 12, embedding, encoder, decoder, Begin, End, score, seed: seed + 7);
    }

    [Theory]
    [InlineData(AttentionScore.Additive)]
    [InlineData(AttentionScore.General)]
    [InlineData(null)]
    public void EndToEnd_WithMixedLengthsAndAnEmptyRow_PassesTheGradientCheck(AttentionScore? score)
    {
        Seq2Seq<double> model = Model<double>(score, embedding: 3, hidden: 4);
        var ws = model.CreateWorkspace(maxSourceLength: 5, maxTargetLength: 4, batch: 3);
        var sources = new List<int[]> { new[] { 1, 2, 3, 4 }, new[] { 5, 6 } };
        var targets = new List<int[]> { new[] { 4, 3, 2 }, new[] { 9 } };
        GradientCheckReport report = GradientCheck.Run(model, () => model.Forward(ws, sources, targets), () => model.Backward(ws));
        Assert.True(report.Passed, report.ToString());
    }

    private static (List<int[]> Sources, List<int[]> Targets) Reversal(Random random, int count, int minLength, int maxLength)
    {
        var sources = new List<int[]>();
        var targets = new List<int[]>();
        for (int i = 0; i < count; i++)
        {
            var source = new int[random.Next(minLength, maxLength + 1)];
            for (int j = 0; j < source.Length; j++)
                source[j] = random.Next(10);
            var target = (int[])source.Clone();
            Array.Reverse(target);
            sources.Add(source);
            targets.Add(target);
        }
        return (sources, targets);
    }

    [Fact]
    public void Reversal_OfLengthFive_IsLearnedExactly_AndDecodingDoesNotDependOnTheBatch()
    {
        Seq2Seq<float> model = Model<float>(AttentionScore.Additive, embedding: 16, hidden: 32);
        var adam = new Adam<float>(model, learningRate: 1e-2);
        var ws = model.CreateWorkspace(5, 5, 32);
        var random = new Random(3);
        for (int step = 0; step < 400; step++)
        {
            var (sources, targets) = Reversal(random, 32, 5, 5);
            model.Forward(ws, sources, targets);
            model.ZeroGradients();
            model.Backward(ws);
            GradientClipping.ByGlobalNorm(model, 5);
            adam.Step();
        }
        var (testSources, testTargets) = Reversal(new Random(99), 17, 5, 5);
        var decode = model.CreateWorkspace(5, 5, 17);
        List<int[]> together = model.Greedy(decode, testSources, maxLength: 5);
        var alone = model.CreateWorkspace(5, 5, 1);
        int right = 0;
        for (int i = 0; i < testSources.Count; i++)
        {
            right += together[i].AsSpan().SequenceEqual(testTargets[i]) ? 1 : 0;
            Assert.Equal(together[i], model.Greedy(alone, new[] { testSources[i] }, maxLength: 5)[0]);
        }
        Assert.Equal(testSources.Count, right);
        // A beam of one is greedy search; wider beams still reverse.
        Assert.Equal(together, model.BeamSearch(testSources, beamWidth: 1, maxLength: 5));
        Assert.Equal(testTargets, model.BeamSearch(testSources, beamWidth: 4, maxLength: 5));
    }

    [Fact]
    public void BadParts_AndBadBatches_SayWhatIsWrong()
    {
        var unidirectional = new RecurrentStack<double>((l, d, input) => new Gru<double>(input, 4), inputSize: 3, layers: 1);
        var decoder = new AttentionGru<double>(ySize: 3, ctxSize: 8, hiddenSize: 4);
        Assert.Contains("bidirectional", Assert.Throws<ArgumentException>(() => new Seq2Seq<double>(10, 12, 3, unidirectional, decoder, Begin, End)).Message);
        var encoder = new RecurrentStack<double>((l, d, input) => new Gru<double>(input, 4), inputSize: 3, layers: 1, bidirectional: true);
        Assert.Contains("it takes x (3)", Assert.Throws<ArgumentException>(() => new Seq2Seq<double>(10, 12, 3, encoder, new Gru<double>(3, 4), Begin, End)).Message);
        Seq2Seq<double> model = Model<double>(AttentionScore.Additive, embedding: 3, hidden: 4);
        var ws = model.CreateWorkspace(4, 3, 2);
        Assert.Contains("sources[0] has 5 tokens; the workspace takes 1 to 4", Assert.Throws<ArgumentException>(() => model.Forward(ws, new[] { new[] { 1, 2, 3, 4, 5 } }, new[] { new[] { 1 } })).Message);
        Assert.Contains("targets[0] holds token 12, not in 0..11", Assert.Throws<ArgumentException>(() => model.Forward(ws, new[] { new[] { 1 } }, new[] { new[] { 12 } })).Message);
        Assert.Contains("The batch holds 3 sources; the workspace takes 1 to 2", Assert.Throws<ArgumentException>(() => model.Forward(ws, new[] { new[] { 1 }, new[] { 1 }, new[] { 1 } }, new[] { new[] { 1 }, new[] { 1 }, new[] { 1 } })).Message);
        Assert.Throws<InvalidOperationException>(() => model.Backward(ws));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Greedy(ws, new[] { new[] { 1 } }, maxLength: 4));
    }
}

/// <summary>Measures allocations, so it runs alone (see <see cref="SequenceModelAllocationTests"/>).</summary>
[Collection(nameof(ThreadedAllocationTests))]
public class Seq2SeqAllocationTests
{
    [Fact]
    public void TrainingSteps_AllocateNothingAfterWarmUp()
    {
        var encoder = new RecurrentStack<float>((layer, direction, input) => new Gru(input, 8, seed: direction), inputSize: 4, layers: 1, bidirectional: true);
        var model = new Seq2Seq<float>(10, 12, 4, encoder, new AttentionGru(ySize: 4, ctxSize: 16, hiddenSize: 8, seed: 3), 10, 11, seed: 4);
        var adam = new Adam<float>(model, learningRate: 1e-3);
        var ws = model.CreateWorkspace(6, 5, 4);
        var sources = new List<int[]> { new[] { 1, 2, 3 }, new[] { 4, 5, 6, 7, 8, 9 }, new[] { 1 } };
        var targets = new List<int[]> { new[] { 3, 2, 1 }, new[] { 9, 8 }, new[] { 1, 1, 1, 1, 1 } };
        void Step()
        {
            model.Forward(ws, sources, targets);
            model.ZeroGradients();
            model.Backward(ws);
            GradientClipping.ByGlobalNorm(model, 5);
            adam.Step();
        }
        // Warm up as the other allocation tests do: one step left first-use work (a branch first
        // taken, such as clipping once the norm passes 5) to the measured steps in one CI run in six.
        for (int i = 0; i < 5; i++)
            Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
            Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
