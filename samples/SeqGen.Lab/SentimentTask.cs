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

    public static int Run(string folder, string cellName, int epochs, int hidden, int seed, string output)
    {
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
        List<Tree> train = Number(BracketedTrees.Read(Part("train")), vocabulary, grow: true);
        List<Tree> dev = Number(BracketedTrees.Read(Part("dev")), vocabulary, grow: false);
        List<Tree> test = Number(BracketedTrees.Read(Part("test")), vocabulary, grow: false);
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
        var adam = new Adam<float>(runner, learningRate: 2e-3);
        var ws = runner.CreateWorkspace();
        var random = new Random(seed);
        var order = new List<Tree>(train);
        var report = new StringBuilder();
        report.AppendLine($"# Sentiment treebank: {cellName}, hidden {hidden}, word vectors {wordSize} (random initialisation), loss at every node, Adam 2e-3, batch {Batch}, seed {seed}");
        report.AppendLine();
        report.AppendLine($"{train.Count} training, {dev.Count} dev, {test.Count} test sentences; vocabulary {vocabulary.Count} (words first seen in dev or test are <unk>).");
        report.AppendLine();
        report.AppendLine("| epoch | train loss | dev root fine | dev root binary | dev all-phrase fine | seconds |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        var clock = Stopwatch.StartNew();
        (double Fine, double Binary, double Phrases) bestDev = default, bestTest = default;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            for (int i = order.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            double loss = 0;
            int batches = 0;
            runner.Train();
            for (int start = 0; start < order.Count; start += Batch)
            {
                List<Tree> batch = order.GetRange(start, Math.Min(Batch, order.Count - start));
                loss += double.CreateChecked(runner.Forward(ws, batch));
                runner.ZeroGradients();
                runner.Backward(ws);
                GradientClipping.ByGlobalNorm(runner, 5);
                adam.Step();
                batches++;
            }
            runner.Eval();
            var devScores = Evaluate(runner, dev);
            double seconds = epochClock.Elapsed.TotalSeconds;
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {epoch} | {loss / batches:F4} | {100 * devScores.Fine:F1} % | {100 * devScores.Binary:F1} % | {100 * devScores.Phrases:F1} % | {seconds:F1} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SST {cellName} epoch {epoch}: train loss {loss / batches:F4}, dev root fine {100 * devScores.Fine:F1} %, binary {100 * devScores.Binary:F1} %, all phrases {100 * devScores.Phrases:F1} %, {seconds:F1} s"));
            if (devScores.Fine > bestDev.Fine)
            {
                bestDev = devScores;
                bestTest = Evaluate(runner, test);
            }
        }
        report.AppendLine();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Test, at the epoch of the best dev root fine-grained accuracy: root fine {100 * bestTest.Fine:F1} %, root binary {100 * bestTest.Binary:F1} %, all-phrase fine {100 * bestTest.Phrases:F1} % (dev {100 * bestDev.Fine:F1} / {100 * bestDev.Binary:F1} / {100 * bestDev.Phrases:F1} %). Published with random word vectors: recursive net 43.2 / 82.4, Tree-LSTM about 43.9 / 82.0 (root fine / binary). Training took {clock.Elapsed.TotalSeconds:F0} s."));
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, $"sst-{cellName}.md");
        File.WriteAllText(path, report.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SST {cellName} test: root fine {100 * bestTest.Fine:F1} %, root binary {100 * bestTest.Binary:F1} %, all phrases {100 * bestTest.Phrases:F1} %; wrote {path}"));
        return 0;
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

    private static (double Fine, double Binary, double Phrases) Evaluate(TreeRunner<float> runner, List<Tree> trees)
    {
        var ws = runner.CreateWorkspace();
        int rootsRight = 0, roots = 0, binaryRight = 0, binary = 0, phrasesRight = 0, phrases = 0;
        for (int start = 0; start < trees.Count; start += 100)
        {
            List<Tree> batch = trees.GetRange(start, Math.Min(100, trees.Count - start));
            ReadOnlySpan<float> logits = runner.Predict(ws, batch);
            ReadOnlySpan<int> targets = ws.Targets;
            int row = 0;
            foreach (Tree tree in batch)
            {
                for (int node = 0; node < tree.NodeCount; node++, row++)
                {
                    ReadOnlySpan<float> scores = logits.Slice(row * 5, 5);
                    int predicted = Metrics.ArgMax(scores);
                    if (targets[row] >= 0)
                    {
                        phrases++;
                        phrasesRight += predicted == targets[row] ? 1 : 0;
                    }
                    if (node != tree.Root)
                        continue;
                    roots++;
                    rootsRight += predicted == tree.Label(node) ? 1 : 0;
                    if (tree.Label(node) == 2)
                        continue;
                    binary++;
                    // P(3) + P(4) > P(0) + P(1): the softmax's shared factors cancel.
                    float max = scores[Metrics.ArgMax(scores)];
                    bool positive = Math.Exp(scores[3] - max) + Math.Exp(scores[4] - max) > Math.Exp(scores[0] - max) + Math.Exp(scores[1] - max);
                    binaryRight += positive == tree.Label(node) > 2 ? 1 : 0;
                }
            }
        }
        return ((double)rootsRight / roots, (double)binaryRight / binary, (double)phrasesRight / phrases);
    }
}
