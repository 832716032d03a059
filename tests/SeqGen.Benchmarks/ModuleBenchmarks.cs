using System;
using System.Collections.Generic;
using SeqGen.IO;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Runners;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Benchmarks;

/// <summary>Whole-model training steps of the modules, as `../shared/peers/torch/run bench --only modules` times PyTorch's.</summary>
internal static class ModuleBenchmarks
{
    public static void Run(bool quick, string? treebank)
    {
        Console.WriteLine("| module | configuration | ms per 32 training steps | items/s |");
        Console.WriteLine("|---|---|---:|---:|");
        Seq2SeqAttention(quick);
        NtmCopy(quick, 1);
        NtmCopy(quick, 16);
        MemoryNetwork(quick);
        MemoryNetworkEpochs();
        TreeLstm(quick, TreeBatching.Node);
        TreeLstm(quick, TreeBatching.Level);
        if (treebank is not null)
        {
            Console.WriteLine();
            Console.WriteLine("| Tree-LSTM H=150 X=300 on the treebank's training sentences, batch 25 | batching | seconds | sentences/s |");
            Console.WriteLine("|---|---|---:|---:|");
            foreach (TreeBatching batching in new[] { TreeBatching.Node, TreeBatching.Level })
                TreebankEpoch(treebank, batching);
        }
    }

    // PyTorch's seq2seq-attn row: Bahdanau encoder-decoder, vocabulary 32, embeddings 64,
    // bidirectional GRU encoder 2 x 128, GRU decoder 256 fed [emb(y); context], additive attention
    // with U h once per batch, masked to source lengths 20-30 (padded to 30), target lengths 20-30,
    // teacher forcing, Adam 1e-3. SeqGen's target is the first length − 1 tokens and the end token,
    // so both predict the same number of tokens; its output layer reads [s; c] (PyTorch's reads s).
    private static void Seq2SeqAttention(bool quick)
    {
        const int B = 32, S = 30, T = 30, Vocabulary = 32, End = 0, Begin = 1;
        var random = new Random(1);
        var sources = new List<int[]>();
        var targets = new List<int[]>();
        int tokens = 0;
        for (int b = 0; b < B; b++)
        {
            var source = new int[random.Next(20, S + 1)];
            for (int j = 0; j < source.Length; j++)
                source[j] = random.Next(2, Vocabulary);
            int length = random.Next(20, T + 1);
            var target = new int[length - 1];
            for (int j = 0; j < target.Length; j++)
                target[j] = random.Next(2, Vocabulary);
            tokens += length;
            sources.Add(source);
            targets.Add(target);
        }
        var encoder = new RecurrentStack<float>((layer, direction, input) => new SeqGen.Cells.Gru(input, 128, seed: direction), inputSize: 64, layers: 1, bidirectional: true);
        var model = new SeqGen.Models.Seq2Seq<float>(Vocabulary, Vocabulary, 64, encoder, new SeqGen.Cells.AttentionGru(ySize: 64, ctxSize: 256, hiddenSize: 256, seed: 3), Begin, End, seed: 4);
        var adam = new Adam<float>(model, learningRate: 1e-3);
        var ws = model.CreateWorkspace(S, T, B);
        double seconds = Timing.Median(() =>
        {
            model.Forward(ws, sources, targets);
            model.ZeroGradients();
            model.Backward(ws);
            adam.Step();
        }, quick ? 5 : 21);
        Console.WriteLine(FormattableString.Invariant($"| seq2seq-attn | B={B} S={S} T={T} H=256 (ms per step) | {seconds * 1000:F2} | {tokens / seconds:F0} |"));
    }

    // PyTorch's ntm-copy rows: LSTM controller 100, one read and one write head, memory 128 x 20
    // at 1e-6, 8 bits + delimiter, 20 + 1 + 20 steps, BCE with logits on the 20 output steps,
    // gradients clamped to [-10, 10], RMSprop 1e-4 (momentum 0.9, alpha 0.95).
    private static void NtmCopy(bool quick, int batch)
    {
        const int Length = 20, Steps = 2 * Length + 1, Bits = 8;
        var ntm = new NeuralTuringMachine<float>(new SeqGen.Cells.Lstm(Bits + 1 + 20, 100, seed: 1), Bits + 1, Bits, 128, 20, seed: 2);
        var optimizer = new RmsProp<float>(ntm, learningRate: 1e-4, alpha: 0.95, momentum: 0.9);
        var ws = ntm.CreateWorkspace(Steps, batch);
        var random = new Random(3);
        Span<float> input = ws.Input;
        for (int t = 0; t < Length; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < Bits; j++)
                    input[(t * batch + b) * (Bits + 1) + j] = random.Next(2);
            }
        }
        for (int b = 0; b < batch; b++)
            input[(Length * batch + b) * (Bits + 1) + Bits] = 1;
        var targets = new float[Length * batch * Bits];
        for (int t = 0; t < Length; t++)
        {
            for (int b = 0; b < batch; b++)
                input.Slice((t * batch + b) * (Bits + 1), Bits).CopyTo(targets.AsSpan((t * batch + b) * Bits, Bits));
        }
        var gradient = new float[targets.Length];
        int outputStart = (Length + 1) * batch * Bits;
        double seconds = Timing.Median(() =>
        {
            ntm.Forward(ws, Steps);
            Losses.SigmoidBinaryCrossEntropy<float>(ws.Logits.Slice(outputStart, targets.Length), targets, gradient);
            ws.LogitGradient.Clear();
            gradient.CopyTo(ws.LogitGradient.Slice(outputStart));
            ntm.ZeroGradients();
            ntm.Backward(ws);
            GradientClipping.ByValue(ntm, 10);
            optimizer.Step();
        }, quick ? 5 : 41);
        Console.WriteLine(FormattableString.Invariant($"| ntm-copy | B={batch} L={Length} (ms per step) | {seconds * 1000:F2} | {batch / seconds:F0} |"));
    }

    // One epoch over the treebank's training sentences (given trees, loss at every node, Adam) and
    // one inference pass over them, as the lab's sentiment task runs them.
    private static void TreebankEpoch(string folder, TreeBatching batching)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var trees = new List<Tree>();
        foreach (Tree tree in BracketedTrees.Read(System.IO.Path.Combine(folder, "train.txt")))
            trees.Add(tree.WithWords(token => vocabulary.TryGetValue(token, out int id) ? id : vocabulary[token] = vocabulary.Count));
        var runner = new TreeRunner<float>(new SeqGen.Cells.TreeLstm(inputSize: 300, hiddenSize: 150, seed: 2),
            new Embedding<float>(vocabulary.Count, 300, seed: 3), new Linear<float>(150, 5, seed: 4), lossAtEveryNode: true, batching);
        var adam = new Adam<float>(runner, learningRate: 2e-3);
        var ws = runner.CreateWorkspace();
        const int Batch = 25;
        var batches = new List<List<Tree>>();
        for (int i = 0; i < trees.Count; i += Batch)
            batches.Add(trees.GetRange(i, Math.Min(Batch, trees.Count - i)));
        runner.Forward(ws, batches[0]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (List<Tree> batch in batches)
        {
            runner.Forward(ws, batch);
            runner.ZeroGradients();
            runner.Backward(ws);
            GradientClipping.ByGlobalNorm(runner, 5);
            adam.Step();
        }
        double training = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (List<Tree> batch in batches)
            runner.Predict(ws, batch);
        double inference = clock.Elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"| training epoch ({trees.Count} sentences) | {batching} | {training:F1} | {trees.Count / training:F0} |"));
        Console.WriteLine(FormattableString.Invariant($"| inference ({trees.Count} sentences) | {batching} | {inference:F1} | {trees.Count / inference:F0} |"));
    }

    // PyTorch's rows: one training step (forward, cross-entropy at every node, backward, update)
    // of a binary constituency Tree-LSTM, hidden 150, 300-d word vectors, Linear(150, 5), over 25
    // random binary trees of 19 leaves (split at a uniform point, recursively); node by node
    // (as the reference implementations run) and level-batched. The word vectors are frozen in both;
    // SeqGen steps with SGD (PyTorch with Adagrad, a few more operations per parameter).
    private static void TreeLstm(bool quick, TreeBatching batching)
    {
        const int B = 25, Leaves = 19, Vocabulary = 2000;
        var random = new Random(1);
        var trees = new List<Tree>();
        for (int t = 0; t < B; t++)
        {
            var builder = new TreeBuilder();
            int Build(int count)
            {
                if (count == 1)
                    return builder.Leaf(null, random.Next(Vocabulary), random.Next(5));
                int k = random.Next(1, count);
                int left = Build(k), right = Build(count - k);
                return builder.Node(random.Next(5), left, right);
            }
            Build(Leaves);
            trees.Add(builder.Build());
        }
        var runner = new TreeRunner<float>(new SeqGen.Cells.TreeLstm(inputSize: 300, hiddenSize: 150, seed: 2),
            new Embedding<float>(Vocabulary, 300, seed: 3), new Linear<float>(150, 5, seed: 4), lossAtEveryNode: true, batching);
        runner.Embedding.Freeze();
        var sgd = new Sgd<float>(runner, learningRate: 0.05);
        var ws = runner.CreateWorkspace();
        void Step()
        {
            runner.Forward(ws, trees);
            runner.ZeroGradients();
            runner.Backward(ws);
            sgd.Step();
        }
        double seconds = Timing.Median(Step, quick ? 5 : 21);
        string name = batching == TreeBatching.Level ? "treelstm-level" : "treelstm-node";
        Console.WriteLine(FormattableString.Invariant($"| {name} | B={B} leaves={Leaves} H=150 X=300 (ms per step) | {seconds * 1000:F2} | {B / seconds:F0} |"));
        double inference = Timing.Median(() => runner.Predict(ws, trees), quick ? 5 : 21);
        Console.WriteLine(FormattableString.Invariant($"| {name} inference | B={B} leaves={Leaves} H=150 X=300 (ms per batch) | {inference * 1000:F2} | {B / inference:F0} |"));
    }

    // PyTorch's row: 32 SGD steps (zero_grad, forward, cross-entropy, backward, clip_grad_norm_ 40,
    // step) on batches of 32 random questions with all 50 memories full of 6-word sentences.
    private static void MemoryNetwork(bool quick)
    {
        const int B = 32, Steps = 32, Vocabulary = 20, Words = 6, Memories = 50;
        var network = new MemoryNetwork<float>(Vocabulary, Words, dimension: 20, hops: 3, memorySize: Memories, seed: 5);
        var sgd = new Sgd<float>(network, learningRate: 0.01);
        var random = new SeededRandom(5);
        var examples = new List<BabiExample>();
        for (int i = 0; i < B * Steps; i++)
        {
            var story = new int[Memories][];
            for (int s = 0; s < Memories; s++)
                story[s] = RandomWords(random, Words, Vocabulary);
            examples.Add(new BabiExample(story, RandomWords(random, Words, Vocabulary), 1 + (int)(random.NextUInt64() % (Vocabulary - 1)), Array.Empty<int>()));
        }
        var workspaces = new MemoryWorkspace<float>[Steps];
        for (int s = 0; s < Steps; s++)
        {
            workspaces[s] = network.CreateWorkspace(B);
            workspaces[s].Load(examples, s * B, B);
        }
        void TrainingSteps()
        {
            foreach (MemoryWorkspace<float> ws in workspaces)
            {
                network.Forward(ws);
                network.ZeroGradients();
                network.Backward(ws);
                GradientClipping.ByGlobalNorm(network, 40);
                sgd.Step();
            }
        }
        double seconds = Timing.Median(TrainingSteps, quick ? 5 : 21);
        Console.WriteLine(FormattableString.Invariant($"| memn2n | B={B} M={Memories} d=20 hops=3 | {seconds * 1000:F2} | {B * Steps / seconds:F0} |"));
    }

    // bAbI task 1 at 1k as the lab trains it: 900 questions, stories of 2 to 14 sentences of 6
    // words, vocabulary 19, 100 epochs of batches of 32 (the bound: under 30 s).
    private static void MemoryNetworkEpochs()
    {
        const int Questions = 900, Vocabulary = 19, Words = 6;
        var random = new SeededRandom(7);
        var examples = new List<BabiExample>();
        for (int i = 0; i < Questions; i++)
        {
            var story = new int[2 + (int)(random.NextUInt64() % 13)][];
            for (int s = 0; s < story.Length; s++)
                story[s] = RandomWords(random, Words, Vocabulary);
            examples.Add(new BabiExample(story, RandomWords(random, 3, Vocabulary), (int)(random.NextUInt64() % Vocabulary), Array.Empty<int>()));
        }
        var network = new MemoryNetwork<float>(Vocabulary, Words, dimension: 20, hops: 3, memorySize: 50, seed: 1);
        var sgd = new Sgd<float>(network, learningRate: 0.01);
        var ws = network.CreateWorkspace(32);
        var noise = new SeededRandom(8);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int epoch = 0; epoch < 100; epoch++)
        {
            for (int first = 0; first < Questions; first += 32)
            {
                int count = Math.Min(32, Questions - first);
                ws.Load(examples, first, count, noise: 0.1, random: noise);
                network.Forward(ws);
                network.ZeroGradients();
                network.Backward(ws);
                GradientClipping.ByGlobalNorm(network, 40.0 / count);
                sgd.Step();
            }
        }
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"| memn2n | 100 epochs of bAbI 1 at 1k (900 questions; seconds) | {seconds:F2} s | {100 * Questions / seconds:F0} |"));
    }

    private static int[] RandomWords(SeededRandom random, int count, int vocabulary)
    {
        var words = new int[count];
        for (int i = 0; i < count; i++)
            words[i] = 1 + (int)(random.NextUInt64() % (ulong)(vocabulary - 1));
        return words;
    }
}
