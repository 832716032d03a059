using System;
using System.Collections.Generic;

namespace SeqGen.Trees;

/// <summary>
/// A tree over a sentence: nodes in post-order (every child before its parent, the root last),
/// each with its children, an optional label (−1 for none) and, at a leaf, its token and word id.
/// Immutable once built.
/// </summary>
public sealed class Tree
{
    private readonly int[] _childStart, _children, _labels, _words;
    private readonly string?[] _tokens;

    internal Tree(int[] childStart, int[] children, int[] labels, int[] words, string?[] tokens)
    {
        _childStart = childStart;
        _children = children;
        _labels = labels;
        _words = words;
        _tokens = tokens;
    }

    /// <summary>Nodes of the tree; the root is <c>NodeCount − 1</c>.</summary>
    public int NodeCount => _labels.Length;

    /// <summary>The root node.</summary>
    public int Root => NodeCount - 1;

    /// <summary>The children of <paramref name="node"/>, left to right (empty at a leaf).</summary>
    public ReadOnlySpan<int> Children(int node) => _children.AsSpan(_childStart[node], _childStart[node + 1] - _childStart[node]);

    /// <summary>Whether <paramref name="node"/> is a leaf.</summary>
    public bool IsLeaf(int node) => _childStart[node + 1] == _childStart[node];

    /// <summary>The label of <paramref name="node"/> (a sentiment class in the treebank), or −1.</summary>
    public int Label(int node) => _labels[node];

    /// <summary>The word id of leaf <paramref name="node"/> (−1 at an inner node, or before <see cref="WithWords"/>).</summary>
    public int Word(int node) => _words[node];

    /// <summary>The token of leaf <paramref name="node"/>, or null.</summary>
    public string? Token(int node) => _tokens[node];

    /// <summary>The leaves' tokens, left to right.</summary>
    public IReadOnlyList<string?> Tokens()
    {
        var tokens = new List<string?>();
        for (int node = 0; node < NodeCount; node++)
        {
            if (IsLeaf(node))
                tokens.Add(_tokens[node]);
        }
        return tokens;
    }

    /// <summary>The same tree with each leaf's word id looked up by <paramref name="wordOf"/>.</summary>
    public Tree WithWords(Func<string, int> wordOf)
    {
        ArgumentNullException.ThrowIfNull(wordOf);
        var words = (int[])_words.Clone();
        for (int node = 0; node < NodeCount; node++)
        {
            if (IsLeaf(node))
                words[node] = wordOf(_tokens[node] ?? throw new InvalidOperationException($"Leaf {node} has no token."));
        }
        return new Tree(_childStart, _children, _labels, words, _tokens);
    }

    /// <summary>The same tree with each node's label given by <paramref name="labelOf"/> (−1 for none), e.g. to keep only the root's.</summary>
    public Tree WithLabels(Func<int, int> labelOf)
    {
        ArgumentNullException.ThrowIfNull(labelOf);
        var labels = new int[NodeCount];
        for (int node = 0; node < NodeCount; node++)
            labels[node] = labelOf(node);
        return new Tree(_childStart, _children, labels, _words, _tokens);
    }

    /// <summary>The tree's height: 0 for a lone leaf.</summary>
    public int Height()
    {
        var height = new int[NodeCount];
        for (int node = 0; node < NodeCount; node++)
        {
            foreach (int child in Children(node))
                height[node] = Math.Max(height[node], height[child] + 1);
        }
        return height[Root];
    }

    /// <summary>A balanced binary tree over <paramref name="words"/> (the left half one leaf longer when odd): depth ⌈log₂ n⌉.</summary>
    public static Tree Balanced(ReadOnlySpan<int> words) => FromWords(words, Shape.Balanced);

    /// <summary>A left-branching binary tree over <paramref name="words"/>: ((w0 w1) w2) … — a recurrent chain.</summary>
    public static Tree LeftBranching(ReadOnlySpan<int> words) => FromWords(words, Shape.Left);

    /// <summary>A right-branching binary tree over <paramref name="words"/>: w0 (w1 (w2 …)).</summary>
    public static Tree RightBranching(ReadOnlySpan<int> words) => FromWords(words, Shape.Right);

    /// <summary>
    /// A balanced binary tree over the leaves of <paramref name="sentence"/>, keeping their tokens,
    /// word ids and labels and the root's label (inner nodes are unlabelled): the same sentence
    /// with the structure taken away.
    /// </summary>
    public static Tree Balanced(Tree sentence) => Reshape(sentence, Shape.Balanced);

    /// <summary>A left-branching binary tree over the leaves of <paramref name="sentence"/>, keeping what <see cref="Balanced(Tree)"/> keeps.</summary>
    public static Tree LeftBranching(Tree sentence) => Reshape(sentence, Shape.Left);

    /// <summary>A right-branching binary tree over the leaves of <paramref name="sentence"/>, keeping what <see cref="Balanced(Tree)"/> keeps.</summary>
    public static Tree RightBranching(Tree sentence) => Reshape(sentence, Shape.Right);

    /// <summary>
    /// The spans of the inner nodes other than the root, as (first leaf, leaves) pairs, leaves
    /// numbered left to right: what two trees over one sentence are compared by (unlabelled
    /// bracketing agreement).
    /// </summary>
    public IReadOnlyList<(int First, int Length)> InnerSpans()
    {
        var first = new int[NodeCount];
        var length = new int[NodeCount];
        var spans = new List<(int, int)>();
        int leaf = 0;
        for (int node = 0; node < NodeCount; node++)
        {
            ReadOnlySpan<int> children = Children(node);
            if (children.IsEmpty)
            {
                (first[node], length[node]) = (leaf++, 1);
                continue;
            }
            first[node] = first[children[0]];
            foreach (int child in children)
                length[node] += length[child];
            if (node != Root)
                spans.Add((first[node], length[node]));
        }
        return spans;
    }

    private enum Shape
    {
        Balanced,
        Left,
        Right,
    }

    private static Tree FromWords(ReadOnlySpan<int> words, Shape shape)
    {
        if (words.IsEmpty)
            throw new ArgumentException("A tree needs at least one word.", nameof(words));
        var leaves = new (string?, int, int)[words.Length];
        for (int i = 0; i < words.Length; i++)
            leaves[i] = (null, words[i], -1);
        return FromLeaves(leaves, -1, shape);
    }

    private static Tree Reshape(Tree sentence, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var leaves = new List<(string?, int, int)>();
        for (int node = 0; node < sentence.NodeCount; node++)
        {
            if (sentence.IsLeaf(node))
                leaves.Add((sentence.Token(node), sentence.Word(node), sentence.Label(node)));
        }
        return FromLeaves(leaves.ToArray(), sentence.Label(sentence.Root), shape);
    }

    private static Tree FromLeaves((string? Token, int Word, int Label)[] leaves, int rootLabel, Shape shape)
    {
        var builder = new TreeBuilder();
        Build(builder, leaves, 0, leaves.Length, rootLabel, shape);
        return builder.Build();
    }

    private static int Build(TreeBuilder builder, (string? Token, int Word, int Label)[] leaves, int from, int to, int label, Shape shape)
    {
        if (to - from == 1)
            return builder.Leaf(leaves[from].Token, leaves[from].Word, label >= 0 ? label : leaves[from].Label);
        int split = shape switch
        {
            Shape.Left => to - 1,
            Shape.Right => from + 1,
            _ => from + (to - from + 1) / 2,
        };
        int left = Build(builder, leaves, from, split, -1, shape);
        int right = Build(builder, leaves, split, to, -1, shape);
        return builder.Node(label, left, right);
    }
}

/// <summary>Builds a <see cref="Tree"/> bottom-up: add leaves and nodes (children first), the root last.</summary>
public sealed class TreeBuilder
{
    private readonly List<int> _childStart = new() { 0 }, _children = new(), _labels = new(), _words = new();
    private readonly List<string?> _tokens = new();
    private readonly List<bool> _used = new();

    /// <summary>Adds a leaf and returns its node index.</summary>
    public int Leaf(string? token, int word = -1, int label = -1)
    {
        _tokens.Add(token);
        _words.Add(word);
        _labels.Add(label);
        _childStart.Add(_children.Count);
        _used.Add(false);
        return _labels.Count - 1;
    }

    /// <summary>Adds an inner node over earlier nodes that have no parent yet, and returns its index.</summary>
    public int Node(int label, params int[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Length == 0)
            throw new ArgumentException("An inner node needs at least one child.", nameof(children));
        foreach (int child in children)
        {
            if ((uint)child >= (uint)_labels.Count || _used[child])
                throw new ArgumentException($"Child {child} is not an earlier node without a parent.", nameof(children));
            _used[child] = true;
            _children.Add(child);
        }
        _tokens.Add(null);
        _words.Add(-1);
        _labels.Add(label);
        _childStart.Add(_children.Count);
        _used.Add(false);
        return _labels.Count - 1;
    }

    /// <summary>The tree whose root is the last node added; every other node must have a parent.</summary>
    public Tree Build()
    {
        if (_labels.Count == 0)
            throw new InvalidOperationException("The tree has no nodes.");
        for (int node = 0; node < _labels.Count - 1; node++)
        {
            if (!_used[node])
                throw new InvalidOperationException($"Node {node} has no parent, but only the last node may be the root.");
        }
        return new Tree(_childStart.ToArray(), _children.ToArray(), _labels.ToArray(), _words.ToArray(), _tokens.ToArray());
    }
}
