using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MyModels;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Models;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Tests;

/// <summary>The README's example cell and training loop are this code, and they learn.</summary>
public class ReadmeTests
{
    private static string RepositoryFile(string relative) => File.ReadAllText(TestFiles.Path(relative));

    private static string[] CodeBlocks(string markdown)
    {
        var blocks = markdown.Split("```csharp\n").Skip(1).Select(part => part.Substring(0, part.IndexOf("```", StringComparison.Ordinal)));
        return blocks.ToArray();
    }

    private static string Normalize(string code) =>
        string.Join("\n", code.Replace("\r\n", "\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    [Fact]
    public void ReadmeCell_IsTheCellCompiledHere()
    {
        string cell = CodeBlocks(RepositoryFile("README.md"))[0];
        string here = RepositoryFile("tests/SeqGen.Tests/ReadmeExample.cs");
        Assert.Equal(Normalize(cell), Normalize(here.Substring(here.IndexOf('\n') + 1)));
    }

    // The code between "// README:NAME" and "// README:end NAME" in this file.
    private static string Marked(string name)
    {
        string here = RepositoryFile("tests/SeqGen.Tests/ReadmeTests.cs");
        int begin = here.IndexOf("// README:" + name + "\n", StringComparison.Ordinal);
        int end = here.IndexOf("// README:end " + name + "\n", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"markers of {name} not found");
        int start = here.IndexOf('\n', begin) + 1;
        return here.Substring(start, end - start);
    }

    [Theory]
    [InlineData(1, "training")]
    [InlineData(2, "loading")]
    [InlineData(3, "by-hand")]
    [InlineData(4, "easy-first")]
    [InlineData(5, "seq2seq")]
    public void ReadmeSnippet_IsTheCodeRunHere(int block, string name) =>
        Assert.Equal(Normalize(CodeBlocks(RepositoryFile("README.md"))[block]), Normalize(Marked(name)));

    [Fact]
    public void ReadmeModel_Trains_Checkpoints_AndLoadsBackWithIdenticalPredictions()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-readme-{Guid.NewGuid():N}.safetensors");
        try
        {
            // README:training
            // Embedding → 2-layer LSTM → Linear → softmax cross-entropy: is token 7 in the sequence?
            // (namespaces SeqGen.Cells, .IO, .Models, .Modules, .Runners, .Training)
            var encoder = new RecurrentStack<float>((layer, direction, inputSize) => new Lstm(inputSize, 32, seed: layer),
                inputSize: 16, layers: 2);
            var model = new SequenceModel<float>(new Embedding<float>(count: 10, dimension: 16, seed: 1), encoder,
                Readout.LastStep, Loss.SoftmaxCrossEntropy, new Linear<float>(inputs: 32, outputs: 2, seed: 2));
            var optimizer = new Adam<float>(model, learningRate: 0.01);
            var ws = model.CreateWorkspace(steps: 12, batch: 32);       // at most 12 steps, 32 sequences
            var random = new Random(1);
            var sequences = new List<int[]>();
            var labels = new int[32];
            for (int step = 0; step < 300; step++)
            {
                sequences.Clear();
                for (int b = 0; b < 32; b++)                            // your data loop: 3 to 12 ids each
                {
                    var ids = new int[random.Next(3, 13)];
                    for (int t = 0; t < ids.Length; t++)
                        ids[t] = random.Next(10);
                    sequences.Add(ids);
                    labels[b] = Array.IndexOf(ids, 7) >= 0 ? 1 : 0;
                }
                ws.Load(sequences, labels);                             // pads; sets lengths and steps
                float loss = model.Forward(ws);
                model.ZeroGradients();
                model.Backward(ws);                                     // head, readout, both layers, embedding
                GradientClipping.ByGlobalNorm(model, maxNorm: 1.0);
                optimizer.Step();
            }
            Checkpoint.Save(path, model, optimizer, step: 300);         // every tensor by name and shape
            // README:end training

            model.Eval();
            float[] expected = model.Predict(ws).ToArray();
            Assert.True(ws.Accuracy() > 0.9, $"accuracy {ws.Accuracy()} on the last batch");

            // README:loading
            // Later, in another program: build the same architecture, then load the weights.
            var restored = new SequenceModel<float>(new Embedding<float>(10, 16),
                new RecurrentStack<float>((layer, direction, inputSize) => new Lstm(inputSize, 32), inputSize: 16, layers: 2),
                Readout.LastStep, Loss.SoftmaxCrossEntropy, new Linear<float>(32, 2));
            Checkpoint.Load(path, restored);
            restored.Eval();                                            // no dropout
            var inference = restored.CreateWorkspace(steps: 12, batch: 32);
            inference.Load(sequences, labels);
            ReadOnlySpan<float> logits = restored.Predict(inference);   // [32 sequences x 2 classes]
            // README:end loading

            Assert.Equal(expected, logits.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadmeEasyFirst_TrainsTheBuildersQueryThroughTheTask()
    {
        var runner = new TreeRunner<float>(new TreeLstm(inputSize: 8, hiddenSize: 16, seed: 1), new Embedding<float>(SeqGen.Lab.LatentTreeTask.Vocabulary, 8, seed: 2), new Linear<float>(16, 10, seed: 3));
        var ws = runner.CreateWorkspace();
        List<Tree> sentences = SeqGen.Lab.LatentTreeTask.Generate(new Random(1), 32, 2, 6);

        // README:easy-first
        var builder = new EasyFirstTreeBuilder<float>(runner, seed: 1);   // beside the runner, not inside it
        var model = new ModuleDict<float> { ["runner"] = runner, ["builder"] = builder };
        var adam = new Adam<float>(model, learningRate: 3e-3);
        IReadOnlyList<Tree> trees = builder.Build(sentences);               // drawn in Train(), greedy in Eval()
        runner.Forward(ws, trees);
        model.ZeroGradients();
        runner.Backward(ws);
        builder.Backward(ws);                                               // REINFORCE through the task's loss
        adam.Step();
        // README:end easy-first

        Assert.Contains(builder.Gradients, g => g != 0);
        Assert.Equal(sentences.Count, trees.Count);
    }

    [Fact]
    public void ReadmeSeq2Seq_TrainsAStep_AndDecodes()
    {
        var sources = new List<int[]> { new[] { 1, 2, 3 }, new[] { 4, 5 } };
        var targets = new List<int[]> { new[] { 3, 2, 1 }, new[] { 5, 4 } };

        // README:seq2seq
        var encoder = new RecurrentStack<float>((layer, direction, input) => new Gru(input, 64, seed: direction),
            inputSize: 32, layers: 1, bidirectional: true);
        var decoder = new AttentionGru(ySize: 32, ctxSize: 128, hiddenSize: 128);
        var model = new Seq2Seq<float>(sourceVocabulary: 10, targetVocabulary: 12, embeddingSize: 32, encoder, decoder,
            beginToken: 10, endToken: 11, score: AttentionScore.Additive);
        var adam = new Adam<float>(model, learningRate: 3e-3);
        var ws = model.CreateWorkspace(maxSourceLength: 20, maxTargetLength: 20, batch: 32);
        float loss = model.Forward(ws, sources, targets);          // teacher forcing; each target gets the end token
        model.ZeroGradients();
        model.Backward(ws);
        adam.Step();
        List<int[]> best = model.BeamSearch(sources, beamWidth: 4, maxLength: 20);
        // README:end seq2seq

        Assert.True(float.IsFinite(loss));
        Assert.Equal(2, best.Count);
    }

    [Fact]
    public void ReadmeCell_Trains_AndTheLossGoesDown()
    {
        var random = new Random(1);
        float[] target = new float[20 * 8 * 16];
        float firstLoss = float.NaN, loss = float.NaN;

        // README:by-hand
        var cell = new MyGru(inputSize: 3, hiddenSize: 16, seed: 1);   // float32; MyGru<double> for float64
        var ws = cell.CreateWorkspace(steps: 20, batch: 8);
        Span<float> x = ws.x;                                            // [T, B, 3]: views are named as in the equations
        for (int i = 0; i < x.Length; i++)
            x[i] = random.NextSingle() * 2 - 1;
        for (int i = 0; i < target.Length; i++)
            target[i] = 0.5f * x[i / 16 * 3];                            // learn to echo x[0], scaled
        for (int step = 0; step < 50; step++)
        {
            cell.Forward(ws, steps: 20);
            Span<float> h = ws.h, dh = ws.dh;                            // [T, B, 16]
            loss = 0;
            for (int i = 0; i < h.Length; i++)
            {
                loss += (h[i] - target[i]) * (h[i] - target[i]) / h.Length;
                dh[i] = 2 * (h[i] - target[i]) / h.Length;               // d(mean squared error)/dh
            }
            cell.ZeroGradients();
            cell.Backward(ws, steps: 20);                                // BPTT: parameter gradients
            for (int i = 0; i < cell.Parameters.Length; i++)
                cell.Parameters[i] -= 0.5f * cell.Gradients[i];          // plain SGD
            if (step == 0) firstLoss = loss;
        }
        // README:end by-hand

        Assert.True(loss < 0.5f * firstLoss, $"loss went from {firstLoss} to {loss}");
    }
}
