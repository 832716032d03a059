using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Trees;

/// <summary>
/// Every buffer of a <see cref="TreeRunner{T}"/>'s pass over a batch of trees: each node's states
/// and their gradients (rows in tree order, each tree in post-order), the nodes grouped into calls
/// of the cell with one cell workspace (the tape) per group, and the readout's rows. It grows to
/// the largest batch it has seen, so training allocates nothing after the first epoch.
/// </summary>
public sealed class TreeWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Ignored = -100;
    private readonly TreeRunner<T> _runner;
    private readonly RecursiveCellBase<T> _cell;
    private readonly List<NodeWorkspace<T>> _groups = new();
    private readonly T[][] _states, _stateGradients;
    private int[] _nodeChildren = Array.Empty<int>(), _nodeWords = Array.Empty<int>(), _level = Array.Empty<int>(),
        _groupStart = Array.Empty<int>(), _groupNodes = Array.Empty<int>(), _rows = Array.Empty<int>(), _targets = Array.Empty<int>(),
        _ids = Array.Empty<int>(), _levelCount = Array.Empty<int>(), _rootRows = Array.Empty<int>();
    private bool[] _isLeaf = Array.Empty<bool>();
    private T[] _headInput = Array.Empty<T>(), _headInputGradient = Array.Empty<T>(), _logits = Array.Empty<T>(), _logitGradient = Array.Empty<T>();
    private int _nodes, _groupCount, _rowCount;

    internal TreeWorkspace(TreeRunner<T> runner)
    {
        _runner = runner;
        _cell = runner.Cell;
        _states = new T[_cell.StateCount][];
        _stateGradients = new T[_cell.StateCount][];
        for (int s = 0; s < _states.Length; s++)
        {
            _states[s] = Array.Empty<T>();
            _stateGradients[s] = Array.Empty<T>();
        }
    }

    internal TreeRunner<T> Runner => _runner;

    internal bool LossComputed { get; private set; }

    // The trees of the last pass.
    internal IReadOnlyList<Tree>? Trees { get; private set; }

    /// <summary>Nodes of the current batch, over all its trees.</summary>
    public int NodeCount => _nodes;

    /// <summary>Calls of the cell a pass makes: the number of levels (level-batched) or of nodes (one at a time).</summary>
    public int GroupCount => _groupCount;

    /// <summary>The readout's logits of the last pass, a row per node that takes a loss (tree by tree, post-order).</summary>
    public ReadOnlySpan<T> Logits => _logits.AsSpan(0, _rowCount * _runner.Head.Outputs);

    /// <summary>The node (in batch numbering) of each row of <see cref="Logits"/>.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, _rowCount);

    /// <summary>Each row's label (−100 where the node has none).</summary>
    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, _rowCount);

    /// <summary>The output state of batch node <paramref name="node"/> after the last pass.</summary>
    public ReadOnlySpan<T> Output(int node)
    {
        int size = _cell.StateSize(_cell.OutputState);
        return _states[_cell.OutputState].AsSpan(node * size, size);
    }

    /// <summary>The fraction of labelled rows whose largest logit is the label.</summary>
    public double Accuracy() => Metrics.Accuracy<T>(Logits, Targets, _runner.Head.Outputs, Ignored);

    internal void Forward(IReadOnlyList<Tree> trees)
    {
        LossComputed = false;
        Plan(trees);
        Trees = trees;
        for (int s = 0; s < _states.Length; s++)
            _states[s].AsSpan(0, _nodes * _cell.StateSize(s)).Clear();
        bool hasInput = _cell.InputCount == 1;
        int output = _cell.OutputState, outputSize = _cell.StateSize(output), arity = _cell.Arity;
        if (!hasInput)
        {
            // Leaves are their word vectors.
            for (int g = 0; g < _nodes; g++)
            {
                if (_isLeaf[g])
                    _runner.Embedding.Parameters.AsSpan(_nodeWords[g] * outputSize, outputSize).CopyTo(_states[output].AsSpan(g * outputSize, outputSize));
            }
        }
        for (int group = 0; group < _groupCount; group++)
        {
            int first = _groupStart[group], n = _groupStart[group + 1] - first;
            NodeWorkspace<T> ws = _groups[group];
            bool leaves = _isLeaf[_groupNodes[first]];
            for (int s = 0; s < _states.Length; s++)
            {
                int size = _cell.StateSize(s);
                for (int k = 0; k < arity; k++)
                {
                    Span<T> children = ws.ChildState(s, k);
                    for (int r = 0; r < n; r++)
                    {
                        Span<T> row = children.Slice(r * size, size);
                        if (leaves)
                            row.Clear();
                        else
                            _states[s].AsSpan(_nodeChildren[_groupNodes[first + r] * arity + k] * size, size).CopyTo(row);
                    }
                }
            }
            if (hasInput)
            {
                int inputSize = _cell.InputSize(0);
                Span<T> input = ws.Input(0).Slice(0, n * inputSize);
                if (leaves)
                    _runner.Embedding.Forward(LeafWords(first, n), input);
                else
                    input.Clear();
            }
            // The cell skips the products of what is zero: a leaf's children, an inner node's input.
            ws.ChildrenAreZero = leaves;
            ws.InputsAreZero = hasInput && !leaves;
            ws.InputGradientsUnused = !_runner.Embedding.RequiresGradient;
            _cell.Forward(ws, n);
            for (int s = 0; s < _states.Length; s++)
            {
                int size = _cell.StateSize(s);
                ReadOnlySpan<T> computed = ws.NewState(s);
                for (int r = 0; r < n; r++)
                    computed.Slice(r * size, size).CopyTo(_states[s].AsSpan(_groupNodes[first + r] * size, size));
            }
        }
        for (int r = 0; r < _rowCount; r++)
            _states[output].AsSpan(_rows[r] * outputSize, outputSize).CopyTo(_headInput.AsSpan(r * outputSize, outputSize));
        _runner.Head.Forward(_headInput.AsSpan(0, _rowCount * outputSize), _logits.AsSpan(0, _rowCount * _runner.Head.Outputs), _rowCount);
    }

    internal T ComputeLoss()
    {
        T loss = Losses.SoftmaxCrossEntropy<T>(Logits, Targets, _runner.Head.Outputs, _logitGradient.AsSpan(0, _rowCount * _runner.Head.Outputs), Ignored);
        LossComputed = true;
        return loss;
    }

    /// <summary>The readout's logits at the root of tree <paramref name="tree"/> of the last pass.</summary>
    public ReadOnlySpan<T> RootLogits(int tree)
    {
        if (Trees is null || (uint)tree >= (uint)Trees.Count)
            throw new ArgumentOutOfRangeException(nameof(tree), tree, $"The last pass had {Trees?.Count ?? 0} trees.");
        int classes = _runner.Head.Outputs;
        return _logits.AsSpan(_rootRows[tree] * classes, classes);
    }

    // Each tree's log-probability of its root's label under the last pass (0 where the root has none).
    internal void RootLogLikelihoods(Span<double> likelihoods)
    {
        for (int t = 0; t < Trees!.Count; t++)
        {
            int target = _targets[_rootRows[t]];
            likelihoods[t] = target == Ignored ? 0 : Losses.LogSoftmaxAt<T>(RootLogits(t), target);
        }
    }

    internal void Backward()
    {
        int output = _cell.OutputState, outputSize = _cell.StateSize(output), arity = _cell.Arity;
        bool hasInput = _cell.InputCount == 1;
        Span<T> headGradient = _headInputGradient.AsSpan(0, _rowCount * outputSize);
        _runner.Head.Backward(_headInput.AsSpan(0, _rowCount * outputSize), _logitGradient.AsSpan(0, _rowCount * _runner.Head.Outputs), headGradient, _rowCount);
        for (int s = 0; s < _states.Length; s++)
            _stateGradients[s].AsSpan(0, _nodes * _cell.StateSize(s)).Clear();
        for (int r = 0; r < _rowCount; r++)
            Numerics.Gemm.AddScaled(_stateGradients[output].AsSpan(_rows[r] * outputSize, outputSize), T.One, headGradient.Slice(r * outputSize, outputSize));
        for (int group = _groupCount - 1; group >= 0; group--)
        {
            int first = _groupStart[group], n = _groupStart[group + 1] - first;
            NodeWorkspace<T> ws = _groups[group];
            for (int s = 0; s < _states.Length; s++)
            {
                int size = _cell.StateSize(s);
                Span<T> gradient = ws.NewStateGradient(s);
                for (int r = 0; r < n; r++)
                    _stateGradients[s].AsSpan(_groupNodes[first + r] * size, size).CopyTo(gradient.Slice(r * size, size));
            }
            _cell.Backward(ws, n);
            bool leaves = _isLeaf[_groupNodes[first]];
            if (leaves)
            {
                if (hasInput && _runner.Embedding.RequiresGradient)
                    _runner.Embedding.Backward(LeafWords(first, n), ws.InputGradient(0).Slice(0, n * _cell.InputSize(0)));
                continue;
            }
            for (int s = 0; s < _states.Length; s++)
            {
                int size = _cell.StateSize(s);
                for (int k = 0; k < arity; k++)
                {
                    ReadOnlySpan<T> children = ws.ChildStateGradient(s, k);
                    for (int r = 0; r < n; r++)
                        Numerics.Gemm.AddScaled(_stateGradients[s].AsSpan(_nodeChildren[_groupNodes[first + r] * arity + k] * size, size), T.One, children.Slice(r * size, size));
                }
            }
        }
        if (!hasInput && _runner.Embedding.RequiresGradient)
        {
            for (int g = 0; g < _nodes; g++)
            {
                if (_isLeaf[g])
                    Numerics.Gemm.AddScaled(_runner.Embedding.Gradients.AsSpan(_nodeWords[g] * outputSize, outputSize), T.One, _stateGradients[output].AsSpan(g * outputSize, outputSize));
            }
        }
    }

    private ReadOnlySpan<int> LeafWords(int first, int n)
    {
        for (int r = 0; r < n; r++)
            _ids[r] = _nodeWords[_groupNodes[first + r]];
        return _ids.AsSpan(0, n);
    }

    // Numbers the batch's nodes, checks them, and groups the nodes the cell computes into calls:
    // by level (a node's level is one more than its highest child's), or one node at a time.
    private void Plan(IReadOnlyList<Tree> trees)
    {
        ArgumentNullException.ThrowIfNull(trees);
        if (trees.Count == 0)
            throw new ArgumentException("The batch holds no tree.", nameof(trees));
        int nodes = 0;
        for (int t = 0; t < trees.Count; t++)
            nodes += (trees[t] ?? throw new ArgumentNullException(nameof(trees), $"trees[{t}] is null.")).NodeCount;
        int arity = _cell.Arity;
        Buffers.Grow(ref _nodeChildren, nodes * arity);
        Buffers.Grow(ref _nodeWords, nodes);
        Buffers.Grow(ref _level, nodes);
        Buffers.Grow(ref _isLeaf, nodes);
        Buffers.Grow(ref _groupNodes, nodes);
        Buffers.Grow(ref _rows, nodes);
        Buffers.Grow(ref _targets, nodes);
        Buffers.Grow(ref _ids, nodes);
        Buffers.Grow(ref _rootRows, trees.Count);
        bool hasInput = _cell.InputCount == 1;
        int offset = 0, maxLevel = 0, rows = 0;
        for (int t = 0; t < trees.Count; t++)
        {
            Tree tree = trees[t];
            for (int node = 0; node < tree.NodeCount; node++)
            {
                int g = offset + node;
                ReadOnlySpan<int> children = tree.Children(node);
                _isLeaf[g] = children.IsEmpty;
                _level[g] = 0;
                if (children.IsEmpty)
                {
                    int word = tree.Word(node);
                    if ((uint)word >= (uint)_runner.Embedding.Count)
                        throw new ArgumentException($"trees[{t}] leaf {node} ('{tree.Token(node)}') has word id {word}, not in 0..{_runner.Embedding.Count - 1}; give its words ids with Tree.WithWords.", nameof(trees));
                    _nodeWords[g] = word;
                }
                else
                {
                    if (children.Length != arity)
                        throw new ArgumentException($"trees[{t}] node {node} has {children.Length} children; the cell takes {arity}.", nameof(trees));
                    for (int k = 0; k < arity; k++)
                    {
                        _nodeChildren[g * arity + k] = offset + children[k];
                        _level[g] = Math.Max(_level[g], _level[offset + children[k]] + 1);
                    }
                }
                maxLevel = Math.Max(maxLevel, _level[g]);
                if (_runner.LossAtEveryNode || node == tree.Root)
                {
                    if (node == tree.Root)
                        _rootRows[t] = rows;
                    _rows[rows] = g;
                    _targets[rows] = tree.Label(node) >= 0 ? tree.Label(node) : Ignored;
                    if (tree.Label(node) >= _runner.Head.Outputs)
                        throw new ArgumentException($"trees[{t}] node {node} has label {tree.Label(node)}; the head has {_runner.Head.Outputs} classes.", nameof(trees));
                    rows++;
                }
            }
            offset += tree.NodeCount;
        }
        _nodes = nodes;
        _rowCount = rows;
        // The computed nodes, grouped.
        int firstLevel = hasInput ? 0 : 1;
        if (_runner.Batching == TreeBatching.Node)
        {
            int count = 0;
            for (int g = 0; g < nodes; g++)
            {
                if (_level[g] >= firstLevel)
                    _groupNodes[count++] = g;
            }
            Buffers.Grow(ref _groupStart, count + 1);
            for (int i = 0; i <= count; i++)
                _groupStart[i] = i;
            _groupCount = count;
        }
        else
        {
            int levels = maxLevel - firstLevel + 1;
            Buffers.Grow(ref _levelCount, levels + 1);
            _levelCount.AsSpan(0, levels + 1).Clear();
            for (int g = 0; g < nodes; g++)
            {
                if (_level[g] >= firstLevel)
                    _levelCount[_level[g] - firstLevel + 1]++;
            }
            Buffers.Grow(ref _groupStart, levels + 1);
            _groupStart[0] = 0;
            for (int l = 0; l < levels; l++)
                _groupStart[l + 1] = _groupStart[l] + _levelCount[l + 1];
            for (int l = 0; l < levels; l++)
                _levelCount[l] = _groupStart[l];
            for (int g = 0; g < nodes; g++)
            {
                if (_level[g] >= firstLevel)
                    _groupNodes[_levelCount[_level[g] - firstLevel]++] = g;
            }
            _groupCount = Math.Max(0, levels);
        }
        for (int group = 0; group < _groupCount; group++)
        {
            int n = _groupStart[group + 1] - _groupStart[group];
            if (group == _groups.Count)
                _groups.Add(_cell.CreateWorkspace(n));
            else if (_groups[group].Capacity < n)
                _groups[group] = _cell.CreateWorkspace(n + n / 2);
        }
        for (int s = 0; s < _states.Length; s++)
        {
            Buffers.Grow(ref _states[s], nodes * _cell.StateSize(s));
            Buffers.Grow(ref _stateGradients[s], nodes * _cell.StateSize(s));
        }
        int outputSize = _cell.StateSize(_cell.OutputState), classes = _runner.Head.Outputs;
        Buffers.Grow(ref _headInput, rows * outputSize);
        Buffers.Grow(ref _headInputGradient, rows * outputSize);
        Buffers.Grow(ref _logits, rows * classes);
        Buffers.Grow(ref _logitGradient, rows * classes);
    }
}
