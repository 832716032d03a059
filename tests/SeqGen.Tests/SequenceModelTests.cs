using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Models;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>Composed models: one forward and one backward call, padding handled once, gradients checked end to end.</summary>
public class SequenceModelTests
{
    internal static List<int[]> RandomSequences(Random random, int count, int vocabulary, params int[] lengths)
    {
        var sequences = new List<int[]>();
        for (int b = 0; b < count; b++)
        {
            var sequence = new int[lengths[b % lengths.Length]];
            for (int t = 0; t < sequence.Length; t++)
                sequence[t] = random.Next(vocabulary);
            sequences.Add(sequence);
        }
        return sequences;
    }

    [Fact]
    public void BidirectionalClassifier_OverPaddedBatches_PassesTheGradientCheck()
    {
        // A user's whole model: ids → embedding → bidirectional GRU → both final states → Linear → loss.
        var encoder = new RecurrentStack<double>((layer, direction, size) => new Gru<double>(size, 5, seed: direction + 1),
            inputSize: 4, layers: 1, bidirectional: true);
        var model = new SequenceModel<double>(new Embedding<double>(count: 9, dimension: 4, seed: 3), encoder,
            Readout.FinalStates, Loss.SoftmaxCrossEntropy, new Linear<double>(10, 3, seed: 4));
        var ws = model.CreateWorkspace(steps: 6, batch: 4);
        ws.Load(RandomSequences(new Random(1), 3, 9, 6, 2, 4), new[] { 0, 2, 1 });   // the fourth row is empty
        GradientCheckReport report = GradientCheck.Run(model, () => model.Forward(ws), () => model.Backward(ws));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(3, ws.ValidRows);
    }

    [Theory]
    [InlineData(Readout.EveryStep, Loss.SoftmaxCrossEntropy)]
    [InlineData(Readout.LastStep, Loss.SigmoidBinaryCrossEntropy)]
    [InlineData(Readout.Mean, Loss.MeanSquaredError)]
    [InlineData(Readout.FinalStates, Loss.MeanSquaredError)]
    public void EveryReadoutAndLoss_PassesTheGradientCheck_WithPaddingAndAHead(Readout readout, Loss loss)
    {
        var encoder = new RecurrentStack<double>((layer, direction, size) => new Lstm<double>(size, 4, seed: 10 * layer + direction),
            inputSize: 3, layers: 2, bidirectional: readout == Readout.FinalStates);
        int classes = loss == Loss.SoftmaxCrossEntropy ? 3 : 2;
        var model = new SequenceModel<double>(encoder, readout, loss,
            new Linear<double>(encoder.OutputSize, 6, seed: 1), new Activation<double>(ActivationFunction.Tanh, 6), new Linear<double>(6, classes, seed: 2));
        var ws = model.CreateWorkspace(steps: 5, batch: 3);
        var random = new Random(7);
        TestData.Fill(ws.Inputs, random, 1);
        ws.SetLengths(new[] { 5, 3, 1 });
        for (int r = 0; r < ws.Rows; r++)
            ws.ClassTargets[r] = r % classes;
        Span<double> values = ws.ValueTargets;
        for (int i = 0; i < values.Length; i++)
            values[i] = loss == Loss.SigmoidBinaryCrossEntropy ? random.Next(2) : random.NextDouble();
        GradientCheckReport report = GradientCheck.Run(model, () => model.Forward(ws), () => model.Backward(ws));
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void PaddedSteps_TakeNoLoss_AndGiveNoGradient()
    {
        var encoder = new RecurrentStack<double>((l, d, size) => new Gru<double>(size, 4, seed: 1), inputSize: 3, layers: 1);
        var model = new SequenceModel<double>(new Embedding<double>(6, 3, seed: 2), encoder, Readout.EveryStep, Loss.SoftmaxCrossEntropy, new Linear<double>(4, 6));
        var ws = model.CreateWorkspace(steps: 4, batch: 2);
        var sequences = new List<int[]> { new[] { 1, 2, 3, 4 }, new[] { 5, 1 } };
        ws.Load(sequences, new List<int[]> { new[] { 2, 3, 4, 5 }, new[] { 1, 0 } });
        double loss = model.Forward(ws);
        // What fills the padding does not matter.
        ws.Tokens[2 * 2 + 1] = 4;
        ws.ClassTargets[3 * 2 + 1] = 5;
        Assert.Equal(loss, model.Forward(ws));
        model.ZeroGradients();
        model.Backward(ws);
        Assert.Equal(6, ws.ValidRows);
        Assert.False(ws.IsValidRow(2 * 2 + 1));
        double[] before = (double[])model.Embedding!.Gradients.Clone();
        ws.Tokens[3 * 2 + 1] = 0;
        model.Forward(ws);
        model.ZeroGradients();
        model.Backward(ws);
        Assert.Equal(before, model.Embedding.Gradients);
    }

    [Fact]
    public void CallsOutOfOrder_AndBadParts_Throw()
    {
        var encoder = new RecurrentStack<float>((l, d, size) => new Gru<float>(size, 4), inputSize: 3, layers: 1);
        var model = new SequenceModel<float>(encoder, Readout.LastStep, Loss.MeanSquaredError, new Linear<float>(4, 1));
        var ws = model.CreateWorkspace(steps: 4, batch: 2);
        Assert.Contains("call Forward first", Assert.Throws<InvalidOperationException>(() => model.Backward(ws)).Message);
        model.Predict(ws);
        Assert.Contains("Predict computes none", Assert.Throws<InvalidOperationException>(() => model.Backward(ws)).Message);
        Assert.Throws<InvalidOperationException>(() => ws.Tokens.Length.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => ws.SetLengths(new[] { 5, 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ws.Steps = 5);
        var wrongHead = Assert.Throws<ArgumentException>(() => new SequenceModel<float>(encoder, Readout.LastStep, Loss.MeanSquaredError, new Linear<float>(5, 1)));
        Assert.Contains("head[0] (Linear`1) reads 5 features, but the readout gives 4", wrongHead.Message);
        Assert.Throws<ArgumentException>(() => new SequenceModel<float>(new Embedding<float>(5, 2), encoder, Readout.LastStep, Loss.MeanSquaredError));
        var other = new SequenceModel<float>(new RecurrentStack<float>((l, d, size) => new Gru<float>(size, 4), 3, 1), Readout.LastStep, Loss.MeanSquaredError);
        Assert.Throws<ArgumentException>(() => other.Forward(ws));
    }

    [Fact]
    public void HeadDropout_ActsOnlyInTraining()
    {
        var encoder = new RecurrentStack<float>((l, d, size) => new Gru<float>(size, 8), inputSize: 2, layers: 1);
        var model = new SequenceModel<float>(encoder, Readout.Mean, Loss.MeanSquaredError, new Dropout<float>(8, 0.5, seed: 1), new Linear<float>(8, 1));
        var ws = model.CreateWorkspace(3, 4);
        ws.Inputs.Fill(0.3f);
        model.Eval();
        float[] first = model.Predict(ws).ToArray();
        Assert.Equal(first, model.Predict(ws).ToArray());
        model.Train();
        Assert.NotEqual(first, model.Predict(ws).ToArray());
    }

    [Fact]
    public void TokenStreams_CutTheCorpusIntoContiguousStreams()
    {
        int[] corpus = new int[23];
        for (int i = 0; i < corpus.Length; i++)
            corpus[i] = i;
        var streams = new TokenStreams(corpus, batch: 2, steps: 4);
        Assert.Equal(11, streams.StreamLength);
        Assert.Equal(3, streams.ChunkCount);
        var inputs = new int[8];
        var targets = new int[8];
        Assert.Equal(4, streams.Next(inputs, targets));
        Assert.Equal(new[] { 0, 11, 1, 12, 2, 13, 3, 14 }, inputs);
        Assert.Equal(new[] { 1, 12, 2, 13, 3, 14, 4, 15 }, targets);
        Assert.Equal(4, streams.Next(inputs, targets));
        Assert.Equal(3, streams.Next(inputs, targets));
        Assert.Equal(new[] { 8, 19, 9, 20, 10, 21 }, inputs[..6]);
        Assert.Equal(new[] { 9, 20, 10, 21, 11, 22 }, targets[..6]);
        Assert.Equal(0, streams.Next(inputs, targets));
        streams.Reset();
        Assert.Equal(4, streams.Next(inputs, targets));
        Assert.Equal(0, inputs[0]);
        Assert.Throws<ArgumentException>(() => new TokenStreams(new[] { 1, 2 }, batch: 2, steps: 4));
    }

    [Fact]
    public void TokenStreams_FeedALanguageModel_WithStatesCarried()
    {
        var encoder = new RecurrentStack<float>((l, d, size) => new Gru<float>(size, 8, seed: 1), inputSize: 4, layers: 1);
        var model = new SequenceModel<float>(new Embedding<float>(5, 4), encoder, Readout.EveryStep, Loss.SoftmaxCrossEntropy, new Linear<float>(8, 5));
        var ws = model.CreateWorkspace(steps: 6, batch: 3);
        int[] corpus = new int[100];
        for (int i = 0; i < corpus.Length; i++)
            corpus[i] = i % 5;
        var streams = new TokenStreams(corpus, batch: 3, steps: 6);
        var adam = new Adam<float>(model, learningRate: 0.05);
        double loss = 0;
        for (int epoch = 0; epoch < 30; epoch++)
        {
            streams.Reset();
            ws.Stack.ResetStates();
            while (streams.Next(ws) > 0)
            {
                loss = double.CreateChecked(model.Forward(ws));
                model.ZeroGradients();
                model.Backward(ws);
                adam.Step();
                ws.Stack.CarryStates();
            }
        }
        Assert.True(Metrics.Perplexity(loss) < 1.5, $"perplexity {Metrics.Perplexity(loss)} on a periodic text");
    }

    [Fact]
    public void Metrics_AccuracyAndSampling()
    {
        double[] logits = { 0, 2, 1, /**/ 3, 0, 0, /**/ 0, 0, 5 };
        Assert.Equal(2.0 / 3, Metrics.Accuracy<double>(logits, new[] { 1, 1, 2 }, 3), 12);
        Assert.Equal(1.0, Metrics.Accuracy<double>(logits, new[] { 1, -100, 2 }, 3), 12);
        var random = new SeededRandom(1);
        Assert.Equal(1, Metrics.Sample<double>(logits.AsSpan(0, 3), 0, random));
        var counts = new int[3];
        for (int i = 0; i < 20000; i++)
            counts[Metrics.Sample<double>(logits.AsSpan(0, 3), 1, random)]++;
        double total = Math.Exp(0) + Math.Exp(2) + Math.Exp(1);
        Assert.Equal(Math.Exp(2) / total, counts[1] / 20000.0, 1);
        Assert.Equal(Math.Exp(0) / total, counts[0] / 20000.0, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Sample<double>(logits, -1, random));
    }
}

/// <summary>
/// Measures allocations, so it runs alone: a test elsewhere that switches the GEMM to two threads
/// would start the worker thread (an allocation) in the middle of the measurement.
/// </summary>
[Collection(nameof(ThreadedAllocationTests))]
public class SequenceModelAllocationTests
{
    [Fact]
    public void Training_LearnsAndAllocatesNothingPerStep()
    {
        // Is token 7 in the sequence? The encoder must remember it until the last step.
        var encoder = new RecurrentStack<float>((l, d, size) => new Lstm(size, 16, seed: l), inputSize: 8, layers: 1);
        var model = new SequenceModel<float>(new Embedding<float>(10, 8, seed: 1), encoder, Readout.LastStep, Loss.SoftmaxCrossEntropy, new Linear<float>(16, 2, seed: 2));
        var adam = new Adam<float>(model, learningRate: 0.02);
        var ws = model.CreateWorkspace(steps: 10, batch: 32);
        var random = new Random(3);
        var batches = new List<(List<int[]>, int[])>();
        for (int i = 0; i < 8; i++)
        {
            var sequences = SequenceModelTests.RandomSequences(random, 32, 10, 3, 7, 10, 5);
            var labels = new int[32];
            for (int b = 0; b < 32; b++)
                labels[b] = Array.IndexOf(sequences[b], 7) >= 0 ? 1 : 0;
            batches.Add((sequences, labels));
        }
        void Step(int i)
        {
            ws.Load(batches[i % 7].Item1, batches[i % 7].Item2);
            model.Forward(ws);
            model.ZeroGradients();
            model.Backward(ws);
            GradientClipping.ByGlobalNorm(model, 1.0);
            adam.Step();
        }
        Step(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < 300; i++)
            Step(i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        model.Eval();
        ws.Load(batches[7].Item1, batches[7].Item2);
        model.Forward(ws);
        Assert.True(ws.Accuracy() > 0.9, $"held-out accuracy {ws.Accuracy()}");
    }
}
