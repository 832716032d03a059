using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Lab;

/// <summary>
/// The lecture's recursive networks on the Stanford Sentiment Treebank: a level-batched tree
/// runner over the given parse trees, word vectors learned from random initialisation (none
/// pre-trained are available here), a loss at every labelled node (5 classes), Adam. Reported:
/// root accuracy, fine-grained (5 classes) and binary (neutral sentences left out; positive when
/// the model gives classes 3 and 4 more probability than 0 and 1, so the same 5-class model
/// answers both), and all-phrase fine-grained accuracy, on dev and test.
/// </summary>
internal static class SentimentTask
{
    private const int Batch = 25;

    internal static readonly string[] TreeSources = { "given", "given-roots", "balanced", "inferred" };

    public static int Run(string folder, string cellName, int epochs, int hidden, string treeSource, int seed, string output, Resumption? resumption = null)
    {
        if (Array.IndexOf(TreeSources, treeSource) < 0)
            throw new ArgumentException($"--sst-trees '{treeSource}' is not one of {string.Join(", ", TreeSources)}.");
        string Part(string name)
        {
            string path = Path.Combine(folder, name + ".txt");
            return File.Exists(path) ? path : throw new FileNotFoundException($"--sst: {path} is missing; the folder must hold the treebank's train.txt, dev.txt and test.txt.", path);
        }
        // The writer gives back the reader's input, line for line.
        foreach (string part in new[] { "train", "dev", "test" })
        {
            string[] lines = File.ReadAllLines(Part(part));
            List<Tree> parsed = BracketedTrees.ParseLines(lines, Part(part));
            for (int i = 0, t = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length > 0 && BracketedTrees.Write(parsed[t++]) != lines[i].Trim())
                    throw new InvalidDataException($"{Part(part)}, line {i + 1}: the tree does not write back to the same text.");
            }
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal) { ["<unk>"] = 0 };
        List<Tree> givenTrain = Number(BracketedTrees.Read(Part("train")), vocabulary, grow: true);
        List<Tree> givenDev = Number(BracketedTrees.Read(Part("dev")), vocabulary, grow: false);
        List<Tree> givenTest = Number(BracketedTrees.Read(Part("test")), vocabulary, grow: false);
        List<Tree> train = Shape(treeSource, givenTrain), dev = Shape(treeSource, givenDev), test = Shape(treeSource, givenTest);
        int wordSize = cellName == "TreeRnn" ? hidden : 100;
        RecursiveCellBase<float> cell = cellName switch
        {
            "TreeLstm" => new TreeLstm(inputSize: wordSize, hiddenSize: hidden, seed: seed),
            "TreeRnn" => new TreeRnn(hiddenSize: hidden, seed: seed),
            _ => throw new ArgumentException($"--sst-cell '{cellName}' is not TreeLstm or TreeRnn."),
        };
        var embedding = new Embedding<float>(vocabulary.Count, wordSize, seed: seed + 1);
        // Word vectors start small, as a trained model's are (N(0, 1) saturates the gates).
        for (int i = 0; i < embedding.Parameters.Length; i++)
            embedding.Parameters[i] *= 0.1f;
        var runner = new TreeRunner<float>(cell, embedding, new Linear<float>(hidden, 5, seed: seed + 2));
        EasyFirstTreeBuilder<float>? builder = treeSource == "inferred" ? new EasyFirstTreeBuilder<float>(runner, seed: seed + 3) : null;
        var model = new ModuleDict<float> { ["runner"] = runner };
        if (builder is not null)
            model["builder"] = builder;
        var adam = new Adam<float>(model, learningRate: 2e-3);
        var random = new Random(seed);
        var order = new List<Tree>(train);
        string lossAt = treeSource == "given" ? "loss at every node" : "loss at the roots and the words (leaves) only";
        string name = $"sst-{cellName}" + (treeSource == "given" ? "" : "-" + treeSource);
        var report = new StringBuilder();
        report.AppendLine($"# Sentiment treebank: {cellName} on {treeSource} trees, hidden {hidden}, word vectors {wordSize} (random initialisation), {lossAt}, Adam 2e-3, batch {Batch}, clip norm 5, seed {seed}");
        report.AppendLine();
        report.AppendLine($"{train.Count} training, {dev.Count} dev, {test.Count} test sentences; vocabulary {vocabulary.Count} (words first seen in dev or test are <unk>). Trees: {Describe(treeSource)}");
        report.AppendLine();
        report.AppendLine("| epoch | train loss | dev root fine | dev root binary | dev all-phrase fine | seconds |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        var epochClock = Stopwatch.StartNew();
        Progress? run = TreeTraining.Run<Progress>($"SST {cellName} {treeSource}", epochs, runner, builder, builder is not null, model, adam, order, Batch, random,
            resumption, $"{name}-seed{seed}", $"epochs {epochs}, hidden {hidden}", (epoch, loss, at) =>
            {
                var devScores = Evaluate(runner, builder, dev, treeSource == "given");
                at.Fine.Add(devScores.Fine);
                at.Binary.Add(devScores.Binary);
                double seconds = epochClock.Elapsed.TotalSeconds;
                epochClock.Restart();
                at.Rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {epoch} | {loss:F4} | {100 * devScores.Fine:F1} % | {100 * devScores.Binary:F1} % | {Percent(devScores.Phrases)} | {seconds:F1} |"));
                if (devScores.Fine > at.BestDev[0])
                {
                    at.BestDev = [devScores.Fine, devScores.Binary, devScores.Phrases];
                    var testScores = Evaluate(runner, builder, test, treeSource == "given");
                    at.BestTest = [testScores.Fine, testScores.Binary, testScores.Phrases];
                    DrawExample(runner, builder, test, Path.Combine(output, name + "-tree.png"), $"{cellName}, {treeSource} trees, epoch {epoch}: predicted sentiment per node (0 = very negative … 4 = very positive)");
                }
                return string.Create(CultureInfo.InvariantCulture, $"SST {cellName} {treeSource} epoch {epoch}: train loss {loss:F4}, dev root fine {100 * devScores.Fine:F1} %, binary {100 * devScores.Binary:F1} %, all phrases {Percent(devScores.Phrases)}, {seconds:F1} s");
            });
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, name + ".md");
        if (run is null)
        {
            File.WriteAllText(path, report.ToString() + "\nInterrupted; rerun with the same options and --resume to continue exactly.\n");
            Console.WriteLine($"Interrupted: saved the run in {resumption!.Folder} and the epochs so far in {path}; rerun with the same options and --resume to continue exactly.");
            return 130;
        }
        foreach (string row in run.Rows)
            report.AppendLine(row);
        (double Fine, double Binary, double Phrases) bestDev = (run.BestDev[0], run.BestDev[1], run.BestDev[2]), bestTest = (run.BestTest[0], run.BestTest[1], run.BestTest[2]);
        report.AppendLine();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Test, at the epoch of the best dev root fine-grained accuracy: root fine {100 * bestTest.Fine:F1} %, root binary {100 * bestTest.Binary:F1} %, all-phrase fine {Percent(bestTest.Phrases)} (dev {100 * bestDev.Fine:F1} / {100 * bestDev.Binary:F1} / {Percent(bestDev.Phrases)}). Published with random word vectors: recursive net 43.2 / 82.4, Tree-LSTM about 43.9 / 82.0 (root fine / binary, trained with the loss at every node). Training took {run.Seconds:F0} s."));
        report.AppendLine();
        report.AppendLine($"![dev accuracy per epoch]({name}.png) ![a test sentence's tree]({name}-tree.png)");
        File.WriteAllText(path, report.ToString());
        TreeCharts.AccuracyPerEpoch(new (string, IReadOnlyList<double>)[] { ("root fine (5 classes)", run.Fine), ("root binary", run.Binary) },
            $"SST, {cellName} on {treeSource} trees, seed {seed}: dev root accuracy", "dev accuracy (%)", Path.Combine(output, name + ".png"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SST {cellName} {treeSource} test: root fine {100 * bestTest.Fine:F1} %, root binary {100 * bestTest.Binary:F1} %, all phrases {Percent(bestTest.Phrases)}; wrote {path}, {name}.png and {name}-tree.png"));
        return 0;
    }

    /// <summary>A sentiment run's progress: the report's rows, the dev curves, and dev and test scores (fine, binary, all phrases) at the best dev epoch so far.</summary>
    internal sealed class Progress : TreeEpochs
    {
        public List<string> Rows { get; set; } = new();
        public List<double> Fine { get; set; } = new();
        public List<double> Binary { get; set; } = new();
        public double[] BestDev { get; set; } = [-1, 0, 0];
        public double[] BestTest { get; set; } = [0, 0, 0];
    }

    private static string Describe(string treeSource) => treeSource switch
    {
        "given" => "the treebank's parses, every phrase labelled.",
        "given-roots" => "the treebank's parses, with only the sentence's and the words' labels kept.",
        "balanced" => "balanced binary trees over the words (the parse not used), with the sentence's and the words' labels.",
        _ => "inferred by an easy-first builder (score qᵀh of each adjacent pair's composed parent; merges drawn from the softmax in training, greedy in evaluation; q trained by REINFORCE, reward the log-likelihood of the root's label, baseline the batch mean), with the sentence's and the words' labels.",
    };

    private static string Percent(double fraction) => double.IsNaN(fraction) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100 * fraction:F1} %");

    private static List<Tree> Shape(string treeSource, List<Tree> given)
    {
        var shaped = new List<Tree>(given.Count);
        foreach (Tree tree in given)
        {
            Tree rootsAndLeaves = tree.WithLabels(node => node == tree.Root || tree.IsLeaf(node) ? tree.Label(node) : -1);
            shaped.Add(treeSource switch
            {
                "given" => tree,
                "balanced" => Tree.Balanced(tree),
                _ => rootsAndLeaves,
            });
        }
        return shaped;
    }

    // A test sentence of 8 to 14 words with its predicted class at every node.
    private static void DrawExample(TreeRunner<float> runner, EasyFirstTreeBuilder<float>? builder, List<Tree> test, string path, string title)
    {
        Tree? example = test.Find(t => t.Tokens().Count is >= 8 and <= 14) ?? test[0];
        IReadOnlyList<Tree> one = new[] { example };
        if (builder is not null)
            one = builder.Build(one);
        var ws = runner.CreateWorkspace();
        ReadOnlySpan<float> logits = runner.Predict(ws, one);
        var predicted = new int[one[0].NodeCount];
        for (int node = 0; node < predicted.Length; node++)
            predicted[node] = Metrics.ArgMax(logits.Slice(node * 5, 5));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        TreeCharts.TreeWithPredictions(one[0], predicted, 5, title, path);
    }

    private static List<Tree> Number(List<Tree> trees, Dictionary<string, int> vocabulary, bool grow)
    {
        var numbered = new List<Tree>(trees.Count);
        foreach (Tree tree in trees)
        {
            numbered.Add(tree.WithWords(token =>
            {
                string word = token.ToLowerInvariant();
                if (vocabulary.TryGetValue(word, out int id))
                    return id;
                if (!grow)
                    return 0;
                vocabulary[word] = vocabulary.Count;
                return vocabulary.Count - 1;
            }));
        }
        return numbered;
    }

    private static (double Fine, double Binary, double Phrases) Evaluate(TreeRunner<float> runner, EasyFirstTreeBuilder<float>? builder, List<Tree> trees, bool phrases)
    {
        var ws = runner.CreateWorkspace();
        int rootsRight = 0, binaryRight = 0, binary = 0, phrasesRight = 0, phraseCount = 0;
        for (int start = 0; start < trees.Count; start += 100)
        {
            IReadOnlyList<Tree> batch = trees.GetRange(start, Math.Min(100, trees.Count - start));
            if (builder is not null)
                batch = builder.Build(batch);
            ReadOnlySpan<float> logits = runner.Predict(ws, batch);
            ReadOnlySpan<int> targets = ws.Targets;
            for (int row = 0; row < targets.Length; row++)
            {
                if (targets[row] < 0)
                    continue;
                phraseCount++;
                phrasesRight += Metrics.ArgMax(logits.Slice(row * 5, 5)) == targets[row] ? 1 : 0;
            }
            for (int t = 0; t < batch.Count; t++)
            {
                Tree tree = batch[t];
                ReadOnlySpan<float> scores = ws.RootLogits(t);
                int label = tree.Label(tree.Root);
                rootsRight += Metrics.ArgMax(scores) == label ? 1 : 0;
                if (label == 2)
                    continue;
                binary++;
                binaryRight += IsPositive(scores) == label > 2 ? 1 : 0;
            }
        }
        return ((double)rootsRight / trees.Count, (double)binaryRight / binary, phrases ? (double)phrasesRight / phraseCount : double.NaN);
    }

    // P(3) + P(4) > P(0) + P(1): the softmax's shared factors cancel.
    private static bool IsPositive(ReadOnlySpan<float> scores)
    {
        float max = scores[Metrics.ArgMax(scores)];
        return Math.Exp(scores[3] - max) + Math.Exp(scores[4] - max) > Math.Exp(scores[0] - max) + Math.Exp(scores[1] - max);
    }
}
