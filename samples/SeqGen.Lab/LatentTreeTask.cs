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
/// Where the tree comes from, on a task whose right tree is known: expressions of digits joined by
/// <c>max</c> and <c>min</c>, <c>min</c> binding tighter (<c>3 max 5 min 2 max 1</c> = max(3,
/// min(5, 2), 1) = 3), the label the value (10 classes) at the root only. The same Tree-LSTM is
/// trained on the parse (given), on balanced and on left-branching trees over the same tokens, and
/// on the trees an <see cref="EasyFirstTreeBuilder{T}"/> infers while it trains; reported: held-out
/// accuracy and how many of the inferred trees' inner spans the parse also has.
/// </summary>
internal static class LatentTreeTask
{
    public const int Max = 10, Min = 11, Vocabulary = 12;
    private const int Batch = 32, Hidden = 64, WordSize = 32, TrainCount = 4_000, TestCount = 2_000, MaxOperands = 8, LongOperands = 16;

    internal static readonly string[] Sources = { "given", "balanced", "left-branching", "easy-first, scorer untrained", "inferred" };

    public sealed record RunResult(string Source, int Seed, double TestAccuracy, double SpanAgreement, double LongAccuracy, double LongSpanAgreement, List<double> DevAccuracy, double Seconds);

    /// <summary>Expressions of <paramref name="minOperands"/> to <paramref name="maxOperands"/> digits, as their parse trees (operators attach to their right operand, left to right).</summary>
    public static List<Tree> Generate(Random random, int count, int minOperands, int maxOperands)
    {
        var trees = new List<Tree>(count);
        for (int t = 0; t < count; t++)
        {
            int operands = random.Next(minOperands, maxOperands + 1);
            var digits = new int[operands];
            var tighter = new bool[operands];
            for (int i = 0; i < operands; i++)
            {
                digits[i] = random.Next(10);
                tighter[i] = i > 0 && random.Next(2) == 0;
            }
            int value = -1;
            for (int i = 0; i < operands;)
            {
                int group = digits[i++];
                while (i < operands && tighter[i])
                    group = Math.Min(group, digits[i++]);
                value = Math.Max(value, group);
            }
            var builder = new TreeBuilder();
            int expression = -1;
            for (int i = 0; i < operands;)
            {
                int maxLeaf = i == 0 ? -1 : builder.Leaf("max", Max);
                int group = builder.Leaf(digits[i].ToString(CultureInfo.InvariantCulture), digits[i], digits[i]);
                for (i++; i < operands && tighter[i]; i++)
                {
                    int minLeaf = builder.Leaf("min", Min);
                    int operand = builder.Leaf(digits[i].ToString(CultureInfo.InvariantCulture), digits[i], digits[i]);
                    bool whole = expression < 0 && i + 1 == operands;
                    group = builder.Node(whole ? value : -1, group, builder.Node(-1, minLeaf, operand));
                }
                bool last = i == operands;
                if (expression < 0)
                    expression = group;
                else
                    expression = builder.Node(last ? value : -1, expression, builder.Node(-1, maxLeaf, group));
            }
            trees.Add(builder.Build());
        }
        return trees;
    }

    public static int Run(int seeds, int epochs, string output, Resumption? resumption = null)
    {
        var data = new Random(12345);
        List<Tree> train = Generate(data, TrainCount, 2, MaxOperands), dev = Generate(data, TestCount, 2, MaxOperands), test = Generate(data, TestCount, 2, MaxOperands);
        List<Tree> longer = Generate(data, TestCount, MaxOperands + 1, LongOperands);
        var counts = new int[10];
        foreach (Tree tree in test)
            counts[tree.Label(tree.Root)]++;
        double majority = 0;
        foreach (int count in counts)
            majority = Math.Max(majority, (double)count / test.Count);
        var results = new List<RunResult>();
        foreach (string source in Sources)
        {
            for (int seed = 1; seed <= seeds; seed++)
            {
                if (Train(source, seed, epochs, train, dev, test, longer, resumption) is not RunResult result)
                {
                    Console.WriteLine($"Interrupted: saved the run in {resumption!.Folder} (finished runs are kept); rerun with the same options and --resume to continue exactly.");
                    return 130;
                }
                results.Add(result);
            }
        }
        var report = new StringBuilder();
        report.AppendLine("# Where the tree comes from: max/min expressions");
        report.AppendLine();
        report.AppendLine($"Expressions of 2–{MaxOperands} digits joined by max and min (min binds tighter), value 0–9 at the root only; {TrainCount} training, {TestCount} dev, {TestCount} test expressions and {TestCount} longer ones ({MaxOperands + 1}–{LongOperands} digits) to test generalisation; the most common value is {100 * majority:F1} % of the test set. Tree-LSTM, hidden {Hidden}, word vectors {WordSize}, loss at the root (and at the digits' leaves, labelled with their values), Adam 3e-3, batch {Batch}, clip norm 5, {epochs} epochs, test accuracy at the epoch of the best dev accuracy. The inferred trees come from an easy-first builder (score qᵀh of each adjacent pair's composed parent, merges drawn from the softmax in training and greedy in evaluation, q trained by REINFORCE with the root label's log-likelihood as the reward and the batch mean as the baseline).");
        report.AppendLine();
        report.AppendLine($"| trees | seed | test accuracy (2–{MaxOperands} digits) | inner spans shared with the parse | longer: accuracy ({MaxOperands + 1}–{LongOperands} digits) | longer: spans shared | seconds |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (RunResult r in results)
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Source} | {r.Seed} | {100 * r.TestAccuracy:F1} % | {100 * r.SpanAgreement:F1} % | {100 * r.LongAccuracy:F1} % | {100 * r.LongSpanAgreement:F1} % | {r.Seconds:F0} |"));
        report.AppendLine();
        foreach (string source in Sources)
        {
            List<double> accuracies = new(), longAccuracies = new(), agreement = new();
            foreach (RunResult r in results)
            {
                if (r.Source != source)
                    continue;
                accuracies.Add(100 * r.TestAccuracy);
                longAccuracies.Add(100 * r.LongAccuracy);
                agreement.Add(100 * r.SpanAgreement);
            }
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {source}: test accuracy {Summary(accuracies)}, on longer expressions {Summary(longAccuracies)}, spans shared with the parse {Summary(agreement)} (mean ± standard deviation over {accuracies.Count} seeds)"));
        }
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, "latent-trees.md");
        report.AppendLine();
        report.AppendLine("![dev accuracy per epoch](latent-trees.png)");
        File.WriteAllText(path, report.ToString());
        var series = new List<(string, IReadOnlyList<double>)>();
        foreach (RunResult r in results)
            series.Add((r.Source, r.DevAccuracy));
        TreeCharts.AccuracyPerEpoch(series, $"max/min expressions, root accuracy by where the tree comes from ({seeds} seeds)", "dev accuracy (%)", Path.Combine(output, "latent-trees.png"));
        Console.Write(report.ToString());
        Console.WriteLine($"Wrote {path} and latent-trees.png.");
        return 0;
    }

    internal static string Summary(List<double> values)
    {
        double mean = 0, spread = 0;
        foreach (double v in values)
            mean += v / values.Count;
        foreach (double v in values)
            spread += (v - mean) * (v - mean) / Math.Max(1, values.Count - 1);
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F1} ± {Math.Sqrt(spread):F1} %");
    }

    // Null when the resumption's token stopped it (saved under its folder, to resume exactly).
    internal static RunResult? Train(string source, int seed, int epochs, List<Tree> train, List<Tree> dev, List<Tree> test, List<Tree> longer, Resumption? resumption = null)
    {
        var cell = new TreeLstm(inputSize: WordSize, hiddenSize: Hidden, seed: seed);
        var runner = new TreeRunner<float>(cell, new Embedding<float>(Vocabulary, WordSize, seed: seed + 1), new Linear<float>(Hidden, 10, seed: seed + 2));
        // The control keeps its builder's initial query: what merging easy first gives without learning where to merge.
        bool learned = source == "inferred";
        EasyFirstTreeBuilder<float>? builder = learned || source.StartsWith("easy-first", StringComparison.Ordinal) ? new EasyFirstTreeBuilder<float>(runner, seed: seed + 3) : null;
        var model = new ModuleDict<float> { ["runner"] = runner };
        if (learned)
            model["builder"] = builder!;
        var adam = new Adam<float>(model, learningRate: 3e-3);
        var random = new Random(seed);
        var order = new List<Tree>(Shape(source, train));
        List<Tree> devTrees = Shape(source, dev), testTrees = Shape(source, test), longTrees = Shape(source, longer);
        string label = $"max/min {source} seed {seed}";
        Progress? run = TreeTraining.Run<Progress>(label, epochs, runner, builder, learned, model, adam, order, Batch, random,
            resumption, $"latent-{source}-seed{seed}", $"epochs {epochs}", (epoch, loss, at) =>
            {
                var (accuracy, _) = Evaluate(runner, builder, devTrees, dev);
                at.DevAccuracy.Add(accuracy);
                if (accuracy > at.Best)
                {
                    at.Best = accuracy;
                    (at.Test, at.Agreement) = Evaluate(runner, builder, testTrees, test);
                    (at.Long, at.LongAgreement) = Evaluate(runner, builder, longTrees, longer);
                }
                return string.Create(CultureInfo.InvariantCulture, $"{label} epoch {epoch}: train loss {loss:F4}, dev accuracy {100 * accuracy:F1} %");
            });
        return run is null ? null : new RunResult(source, seed, run.Test, run.Agreement, run.Long, run.LongAgreement, run.DevAccuracy, run.Seconds);
    }

    /// <summary>A latent-tree run's progress: the dev curve and the scores at the best dev epoch so far.</summary>
    internal sealed class Progress : TreeEpochs
    {
        public List<double> DevAccuracy { get; set; } = new();
        public double Best { get; set; } = -1;
        public double Test { get; set; }
        public double Agreement { get; set; }
        public double Long { get; set; }
        public double LongAgreement { get; set; }
    }

    private static List<Tree> Shape(string source, List<Tree> parsed)
    {
        var shaped = new List<Tree>(parsed.Count);
        foreach (Tree tree in parsed)
        {
            shaped.Add(source switch
            {
                "balanced" => Tree.Balanced(tree),
                "left-branching" => Tree.LeftBranching(tree),
                _ => tree,
            });
        }
        return shaped;
    }

    // Root accuracy, and the share of the evaluated trees' inner spans that the parses also have.
    private static (double Accuracy, double Agreement) Evaluate(TreeRunner<float> runner, EasyFirstTreeBuilder<float>? builder, List<Tree> trees, List<Tree> parses)
    {
        var ws = runner.CreateWorkspace();
        int right = 0, shared = 0, spans = 0;
        for (int start = 0; start < trees.Count; start += 200)
        {
            IReadOnlyList<Tree> batch = trees.GetRange(start, Math.Min(200, trees.Count - start));
            if (builder is not null)
                batch = builder.Build(batch);
            runner.Predict(ws, batch);
            for (int t = 0; t < batch.Count; t++)
            {
                Tree tree = batch[t];
                right += Metrics.ArgMax(ws.RootLogits(t)) == tree.Label(tree.Root) ? 1 : 0;
                var truth = new HashSet<(int, int)>(parses[start + t].InnerSpans());
                foreach (var span in tree.InnerSpans())
                {
                    spans++;
                    shared += truth.Contains(span) ? 1 : 0;
                }
            }
        }
        return ((double)right / trees.Count, spans == 0 ? 1 : (double)shared / spans);
    }
}
