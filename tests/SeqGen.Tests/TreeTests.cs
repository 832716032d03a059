using System;
using System.Collections.Generic;
using System.IO;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Tests;

/// <summary>Trees: where they come from, the level-batched runner, and its gradients.</summary>
public class TreeTests
{
    private static readonly string[] Treebank =
    {
        "(3 (2 It) (4 (2 's) (3 good)))",
        "(1 (2 (2 The) (2 film)) (1 (2 was) (0 (0 awful) (2 .))))",
        "(2 Fine)",
        "(3 (2 (2 Contempt) (2 8 1\\/2)) (2 .))",
        "(4 (3 (2 A) (4 (3 truly) (4 great))) (2 (2 piece) (2 (2 of) (2 work))))",
    };

    private static List<Tree> Labelled()
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var trees = new List<Tree>();
        foreach (Tree tree in BracketedTrees.ParseLines(Treebank, "inline"))
            trees.Add(tree.WithWords(token => vocabulary.TryGetValue(token, out int id) ? id : vocabulary[token] = vocabulary.Count));
        return trees;
    }

    [Fact]
    public void BracketedTrees_RoundTrip_AndNameLineAndColumnOfAMistake()
    {
        List<Tree> trees = BracketedTrees.ParseLines(Treebank, "inline");
        for (int i = 0; i < trees.Count; i++)
            Assert.Equal(Treebank[i], BracketedTrees.Write(trees[i]));
        Tree first = trees[0];
        Assert.Equal(5, first.NodeCount);
        Assert.Equal(3, first.Label(first.Root));
        Assert.Equal(new string?[] { "It", "'s", "good" }, first.Tokens());
        Assert.Equal(2, first.Height());

        Assert.Contains("inline, line 2, column 11: expected ')', found 'x'", Error("(3 (2 It))\n(3 (2 It) x)"));
        Assert.Contains("inline, line 1, column 10: the line ends inside a node", Error("(3 (2 It)"));
        Assert.Contains("column 2: the label 'x' is not an integer", Error("(x It)"));
        Assert.Contains("column 11: unexpected ')' after the tree ended", Error("(3 (2 It)))"));
        Assert.Contains("column 1: expected '('", Error("3 It"));
    }

    private static string Error(string text) =>
        Assert.Throws<InvalidDataException>(() => BracketedTrees.ParseLines(text.Split('\n'), "inline")).Message;

    [Fact]
    public void DataIndependentTrees_HaveTheirShapes()
    {
        int[] words = { 0, 1, 2, 3, 4, 5, 6 };
        Assert.Equal(3, Tree.Balanced(words).Height());
        Assert.Equal(6, Tree.LeftBranching(words).Height());
        Tree right = Tree.RightBranching(words);
        Assert.Equal(6, right.Height());
        Assert.Equal(0, right.Word(right.Children(right.Root)[0]));
        Assert.Equal(13, Tree.Balanced(words).NodeCount);
        Assert.Equal(1, Tree.Balanced(new[] { 9 }).NodeCount);
    }

    public static TheoryData<string, bool> Cells => new()
    {
        { "TreeLstm", true },
        { "TreeLstm", false },
        { "TreeRnn", true },
        { "TernaryTreeCell", true },
    };

    private static TreeRunner<double> Runner(string cell, bool everyNode, TreeBatching batching, int vocabulary)
    {
        RecursiveCellBase<double> recursive = cell switch
        {
            "TreeLstm" => new TreeLstm<double>(inputSize: 4, hiddenSize: 5, seed: 1),
            "TreeRnn" => new TreeRnn<double>(hiddenSize: 5, seed: 1),
            _ => new TernaryTreeCell<double>(hiddenSize: 5, inputSize: 4, seed: 1),
        };
        int leaf = recursive.InputCount == 1 ? 4 : 5;
        return new TreeRunner<double>(recursive, new Embedding<double>(vocabulary, leaf, seed: 2), new Linear<double>(5, 5, seed: 3), everyNode, batching);
    }

    private static List<Tree> Ternary(int vocabulary)
    {
        var random = new Random(5);
        var trees = new List<Tree>();
        foreach (int leaves in new[] { 1, 3, 5, 7 })
        {
            var builder = new TreeBuilder();
            var open = new List<int>();
            for (int i = 0; i < leaves; i++)
                open.Add(builder.Leaf("w", random.Next(vocabulary), random.Next(5)));
            while (open.Count > 1)
            {
                int node = builder.Node(random.Next(5), open[0], open[1], open[2]);
                open.RemoveRange(0, 3);
                open.Insert(0, node);
            }
            trees.Add(builder.Build());
        }
        return trees;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Runner_OverTreesOfDifferentShapes_PassesTheGradientCheck(string cell, bool everyNode)
    {
        List<Tree> trees = cell == "TernaryTreeCell" ? Ternary(6) : Labelled();
        TreeRunner<double> runner = Runner(cell, everyNode, TreeBatching.Level, vocabulary: 20);
        var ws = runner.CreateWorkspace();
        GradientCheckReport report = GradientCheck.Run(runner, () => runner.Forward(ws, trees), () => runner.Backward(ws));
        Assert.True(report.Passed, report.ToString());
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void LevelBatching_EqualsNodeAtATime(string cell, bool everyNode)
    {
        List<Tree> trees = cell == "TernaryTreeCell" ? Ternary(6) : Labelled();
        TreeRunner<double> levels = Runner(cell, everyNode, TreeBatching.Level, 20), nodes = Runner(cell, everyNode, TreeBatching.Node, 20);
        var a = levels.CreateWorkspace();
        var b = nodes.CreateWorkspace();
        double la = levels.Forward(a, trees), lb = nodes.Forward(b, trees);
        Assert.Equal(la, lb, 12);
        Assert.True(a.GroupCount < b.GroupCount, $"{a.GroupCount} levels against {b.GroupCount} nodes");
        levels.ZeroGradients();
        nodes.ZeroGradients();
        levels.Backward(a);
        nodes.Backward(b);
        IReadOnlyList<NamedParameter<double>> pa = levels.NamedParameters(), pb = nodes.NamedParameters();
        for (int p = 0; p < pa.Count; p++)
        {
            ReadOnlySpan<double> ga = pa[p].Gradient, gb = pb[p].Gradient;
            for (int i = 0; i < ga.Length; i++)
                Assert.True(Math.Abs(ga[i] - gb[i]) <= 1e-12 * Math.Max(1, Math.Abs(ga[i])), $"{pa[p].Name}[{i}]: {ga[i]} against {gb[i]}");
        }
    }

    [Theory]
    [InlineData("TreeLstm")]
    [InlineData("TreeRnn")]
    public void FrozenWordVectors_TakeNoGradient_AndTheRestIsUnchanged(string cell)
    {
        List<Tree> trees = Labelled();
        TreeRunner<double> trained = Runner(cell, true, TreeBatching.Level, 20), frozen = Runner(cell, true, TreeBatching.Level, 20);
        frozen.Embedding.Freeze();
        var a = trained.CreateWorkspace();
        var b = frozen.CreateWorkspace();
        Assert.Equal(trained.Forward(a, trees), frozen.Forward(b, trees), 12);
        trained.ZeroGradients();
        frozen.ZeroGradients();
        trained.Backward(a);
        frozen.Backward(b);
        Assert.All(frozen.Embedding.Gradients, g => Assert.Equal(0, g));
        Assert.Contains(trained.Embedding.Gradients, g => g != 0);
        IReadOnlyList<NamedParameter<double>> pa = trained.NamedParameters(), pb = frozen.NamedParameters();
        for (int p = 0; p < pa.Count; p++)
        {
            Assert.Equal(!pb[p].Name.StartsWith("embedding.", StringComparison.Ordinal), pb[p].Trainable);
            if (!pb[p].Trainable)
                continue;
            ReadOnlySpan<double> ga = pa[p].Gradient, gb = pb[p].Gradient;
            for (int i = 0; i < ga.Length; i++)
                Assert.Equal(ga[i], gb[i], 12);
        }
        double[] vectors = (double[])frozen.Embedding.Parameters.Clone();
        new Adam<double>(frozen, learningRate: 0.1).Step();
        Assert.Equal(vectors, frozen.Embedding.Parameters);
        GradientCheckReport report = GradientCheck.Run(frozen, () => frozen.Forward(b, trees), () => frozen.Backward(b));
        Assert.True(report.Passed, report.ToString());
        frozen.Embedding.Unfreeze();
        Assert.True(frozen.NamedParameter("embedding.weight").Trainable);
    }

    [Fact]
    public void BadTrees_AreRejectedWithWhereAndWhy()
    {
        TreeRunner<double> runner = Runner("TreeLstm", true, TreeBatching.Level, 20);
        var ws = runner.CreateWorkspace();
        var unnumbered = BracketedTrees.ParseLines(Treebank, "inline");
        Assert.Contains("give its words ids with Tree.WithWords", Assert.Throws<ArgumentException>(() => runner.Forward(ws, unnumbered)).Message);
        Assert.Contains("node 3 has 3 children; the cell takes 2", Assert.Throws<ArgumentException>(() => runner.Forward(ws, Ternary(6).GetRange(1, 1))).Message);
        Assert.Throws<InvalidOperationException>(() => runner.Backward(ws));
    }

    // Labels every node of a tree of digits (word id − 4) with the sign of its subtree's sum.
    internal static Tree Label(Tree tree)
    {
        var builder = new TreeBuilder();
        var sums = new int[tree.NodeCount];
        var ids = new int[tree.NodeCount];
        for (int node = 0; node < tree.NodeCount; node++)
        {
            if (tree.IsLeaf(node))
            {
                sums[node] = tree.Word(node) - 4;
                ids[node] = builder.Leaf(null, tree.Word(node), Math.Sign(sums[node]) + 1);
                continue;
            }
            ReadOnlySpan<int> children = tree.Children(node);
            sums[node] = sums[children[0]] + sums[children[1]];
            ids[node] = builder.Node(Math.Sign(sums[node]) + 1, ids[children[0]], ids[children[1]]);
        }
        return builder.Build();
    }
}

/// <summary>Measures allocations, so it runs alone (see <see cref="SequenceModelAllocationTests"/>).</summary>
[Collection(nameof(ThreadedAllocationTests))]
public class TreeTrainingTests
{
    [Fact]
    public void ATreeTask_IsLearned_AndTrainingAllocatesNothingAfterWarmUp()
    {
        // The sign of a sum: leaves are digits −4..4 (word id = digit + 4), every node is labelled
        // with the sign of its subtree's sum (0 negative, 1 zero, 2 positive), trees are balanced.
        var random = new Random(7);
        List<Tree> Make(int count)
        {
            var trees = new List<Tree>();
            for (int t = 0; t < count; t++)
            {
                int length = random.Next(2, 9);
                var digits = new int[length];
                for (int i = 0; i < length; i++)
                    digits[i] = random.Next(-4, 5);
                trees.Add(TreeTests.Label(Tree.Balanced(Array.ConvertAll(digits, d => d + 4))));
            }
            return trees;
        }
        List<Tree> train = Make(400), test = Make(100);
        var runner = new TreeRunner<float>(new TreeLstm(inputSize: 8, hiddenSize: 16, seed: 1), new Embedding<float>(9, 8, seed: 2), new Linear<float>(16, 3, seed: 3));
        var adam = new Adam<float>(runner, learningRate: 0.02);
        var ws = runner.CreateWorkspace();
        var batches = new List<List<Tree>>();
        for (int i = 0; i < train.Count; i += 25)
            batches.Add(train.GetRange(i, 25));
        void Epoch()
        {
            foreach (List<Tree> batch in batches)
            {
                runner.Forward(ws, batch);
                runner.ZeroGradients();
                runner.Backward(ws);
                adam.Step();
            }
        }
        Epoch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 1; epoch < 15; epoch++)
            Epoch();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var testWs = runner.CreateWorkspace();
        runner.Predict(testWs, test);
        Assert.True(testWs.Accuracy() > 0.8, $"all-node test accuracy {testWs.Accuracy()}");
        Assert.Equal(0, allocated);
    }
}
