using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Lab;
using SeqGen.Modules;
using SeqGen.Training;
using SeqGen.Trees;

namespace SeqGen.Tests;

/// <summary>Inferred trees: the easy-first builder, its REINFORCE gradient, and the trees it gives.</summary>
public class EasyFirstTreeTests
{
    private static TreeRunner<double> Runner() =>
        new(new TreeLstm<double>(inputSize: 4, hiddenSize: 5, seed: 1), new Embedding<double>(LatentTreeTask.Vocabulary, 4, seed: 2), new Linear<double>(5, 10, seed: 3));

    private static List<Tree> Sentences(int count) => LatentTreeTask.Generate(new Random(3), count, 1, 6);

    [Fact]
    public void BuiltTrees_KeepTheLeavesInOrder_TheirLabels_AndTheRootLabel()
    {
        var builder = new EasyFirstTreeBuilder<double>(Runner(), seed: 4);
        List<Tree> sentences = Sentences(12);
        foreach (bool training in new[] { true, false })
        {
            if (training)
                builder.Train();
            else
                builder.Eval();
            IReadOnlyList<Tree> built = builder.Build(sentences);
            Assert.Equal(sentences.Count, built.Count);
            for (int t = 0; t < built.Count; t++)
            {
                Tree given = sentences[t], tree = built[t];
                Assert.Equal(given.Tokens(), tree.Tokens());
                Assert.Equal(given.Label(given.Root), tree.Label(tree.Root));
                Assert.Equal(2 * given.Tokens().Count - 1, tree.NodeCount);
                var givenLeaves = new List<(int, int)>();
                var builtLeaves = new List<(int, int)>();
                for (int node = 0; node < given.NodeCount; node++)
                {
                    if (given.IsLeaf(node))
                        givenLeaves.Add((given.Word(node), node == given.Root ? -2 : given.Label(node)));
                }
                for (int node = 0; node < tree.NodeCount; node++)
                {
                    if (tree.IsLeaf(node))
                        builtLeaves.Add((tree.Word(node), node == tree.Root ? -2 : tree.Label(node)));
                    else if (node != tree.Root)
                        Assert.Equal(-1, tree.Label(node));
                }
                Assert.Equal(givenLeaves, builtLeaves);
            }
        }
    }

    [Fact]
    public void GreedyTrees_DoNotDependOnTheRestOfTheBatch()
    {
        var builder = new EasyFirstTreeBuilder<double>(Runner(), seed: 4);
        builder.Eval();
        List<Tree> sentences = Sentences(17);
        IReadOnlyList<Tree> together = builder.Build(sentences);
        for (int t = 0; t < sentences.Count; t++)
        {
            Tree alone = builder.Build(new[] { sentences[t] })[0];
            Assert.Equal(alone.InnerSpans(), together[t].InnerSpans());
        }
    }

    [Fact]
    public void ReinforceGradient_IsTheGradientOfTheChoicesLogProbability()
    {
        // The surrogate −(1/B) Σ (r − r̄) log π(choices), its choices fixed to those of one drawn build.
        var builder = new EasyFirstTreeBuilder<double>(Runner(), seed: 4);
        List<Tree> sentences = Sentences(6);
        builder.Build(sentences);
        builder.ForcedChoices = builder.Choices.ToArray();
        double[] rewards = { -0.3, -2.0, -1.1, -0.1, -0.7, -1.6 };
        double mean = 0;
        foreach (double r in rewards)
            mean += r / rewards.Length;
        GradientCheckReport report = GradientCheck.Run(builder, () =>
        {
            builder.Build(sentences);
            double loss = 0;
            for (int i = 0; i < rewards.Length; i++)
                loss -= (rewards[i] - mean) * builder.LogProbabilities[i] / rewards.Length;
            return loss;
        }, () => builder.Reinforce(rewards));
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxRelativeError < 1e-6, report.ToString());
    }

    [Fact]
    public void Backward_TakesTheRootsLikelihoodFromTheTasksForward_AndRejectsAnyOtherPass()
    {
        TreeRunner<double> runner = Runner();
        var builder = new EasyFirstTreeBuilder<double>(runner, seed: 4);
        var ws = runner.CreateWorkspace();
        Assert.Throws<InvalidOperationException>(() => builder.Backward(ws));
        List<Tree> sentences = Sentences(5);
        IReadOnlyList<Tree> built = builder.Build(sentences);
        Assert.Throws<ArgumentException>(() => builder.Backward(ws));
        runner.Forward(ws, sentences);
        Assert.Throws<ArgumentException>(() => builder.Backward(ws));
        runner.Forward(ws, built);
        builder.ZeroGradients();
        builder.Backward(ws);
        var rewards = new double[built.Count];
        for (int t = 0; t < built.Count; t++)
        {
            ReadOnlySpan<double> logits = ws.RootLogits(t);
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in logits)
                max = Math.Max(max, v);
            foreach (double v in logits)
                sum += Math.Exp(v - max);
            rewards[t] = logits[built[t].Label(built[t].Root)] - max - Math.Log(sum);
        }
        double[] expected = (double[])builder.Gradients.Clone();
        builder.ZeroGradients();
        builder.Reinforce(rewards);
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(builder.Gradients[k], expected[k], 12);
        Assert.Contains(builder.Gradients, g => g != 0);
        Assert.Throws<ArgumentException>(() => new EasyFirstTreeBuilder<double>(new TreeRunner<double>(new TernaryTreeCell<double>(hiddenSize: 5, inputSize: 4), new Embedding<double>(3, 4), new Linear<double>(5, 2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Temperature = 0);
    }

    [Fact]
    public void ReshapedTrees_KeepLeavesAndRootLabel_AndCompareBySpans()
    {
        Tree parse = Sentences(40).Find(t => t.Tokens().Count >= 5)!;
        foreach (Tree shaped in new[] { Tree.Balanced(parse), Tree.LeftBranching(parse), Tree.RightBranching(parse) })
        {
            Assert.Equal(parse.Tokens(), shaped.Tokens());
            Assert.Equal(parse.Label(parse.Root), shaped.Label(shaped.Root));
            Assert.Equal(parse.Tokens().Count - 2, shaped.InnerSpans().Count);
        }
        var left = Tree.LeftBranching(parse).InnerSpans();
        Assert.Equal((0, 2), left[0]);
        Assert.Equal((0, parse.Tokens().Count - 1), left[^1]);
        Tree rootOnly = parse.WithLabels(node => node == parse.Root ? parse.Label(node) : -1);
        Assert.Equal(parse.Label(parse.Root), rootOnly.Label(rootOnly.Root));
        Assert.Equal(-1, rootOnly.Label(0));
    }
}
