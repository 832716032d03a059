using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Trees;

/// <summary>
/// Infers a binary tree for each sentence, easy first (Choi, Yoo and Lee 2018): starting from the
/// leaves, it composes every adjacent pair of spans with the runner's own cell, scores each
/// candidate parent <c>score = qᵀ h / τ</c> (h the cell's output state), and merges the pair with
/// the highest score (in training, a pair drawn from the softmax of the scores), until one span is
/// left. The query q is trained by REINFORCE (Williams 1992; Yogatama et al. 2017 train a
/// shift-reduce parser this way) through the task: <see cref="Backward"/> takes the log-likelihood of
/// each root's label in the task's last forward as the reward, the batch mean as the baseline, and
/// adds <c>−(1/B) Σ (r − r̄) ∇ log π(merges)</c> to the gradient of q. The cell's states are not
/// back-propagated through the choices (the runner trains the cell on the trees it is given).
/// Its one parameter is <c>query</c>; it is not a child of the runner, so put both in a
/// <see cref="ModuleDict{T}"/> for an optimizer or a checkpoint. One batch at a time: a build's
/// choices are kept for the next <see cref="Backward"/>.
/// </summary>
public sealed class EasyFirstTreeBuilder<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TreeRunner<T> _runner;
    private readonly RecursiveCellBase<T> _cell;
    private readonly T[][] _pool;
    private NodeWorkspace<T>? _workspace;
    private int[] _spanRow = Array.Empty<int>(), _spanNode = Array.Empty<int>(), _candidate = Array.Empty<int>(),
        _first = Array.Empty<int>(), _count = Array.Empty<int>(), _pendingSentence = Array.Empty<int>(), _pendingAt = Array.Empty<int>();
    private double[] _scoreGradient = Array.Empty<double>(), _probabilities = Array.Empty<double>(), _logProbabilities = Array.Empty<double>();
    private int _poolRows, _sentences;
    private List<Tree>? _built;

    /// <summary>A builder that composes with <paramref name="runner"/>'s cell and leaves, with a query drawn from U(±1/√H).</summary>
    /// <param name="runner">The runner whose cell, embedding and (binary) arity the trees are for.</param>
    /// <param name="seed">Seed of the query's initial values and of the merges drawn in training.</param>
    public EasyFirstTreeBuilder(TreeRunner<T> runner, int seed = 0)
        : base(Layout(runner))
    {
        _runner = runner;
        _cell = runner.Cell;
        Sampler = new SeededRandom(seed + 1);
        _pool = new T[_cell.StateCount][];
        for (int s = 0; s < _pool.Length; s++)
            _pool[s] = Array.Empty<T>();
        double bound = 1 / Math.Sqrt(Parameters.Length);
        Initializers.Uniform<T>(Parameters, -bound, bound, new SeededRandom(seed));
    }

    private static ParameterInfo[] Layout(TreeRunner<T> runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (runner.Cell.Arity != 2)
            throw new ArgumentException($"An easy-first builder merges pairs; the runner's cell takes {runner.Cell.Arity} children.", nameof(runner));
        return new[] { new ParameterInfo("query", ParameterKind.Vector, 0, runner.Cell.StateSize(runner.Cell.OutputState), 1, true) };
    }

    /// <summary>
    /// The source of the merges drawn in training. Pass it to <see cref="SeqGen.IO.Checkpoint"/>'s
    /// Save and Load with the model so that resumed training draws what an uninterrupted run draws.
    /// </summary>
    public SeededRandom Sampler { get; }

    /// <summary>The query q, [H].</summary>
    public Span<T> Query => Parameters;

    /// <summary>The softmax temperature τ of the scores (1 by default); lower draws closer to the greedy choice.</summary>
    public double Temperature
    {
        get => _temperature;
        set => _temperature = value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The temperature must be a positive number.");
    }

    private double _temperature = 1;

    // Choices forced in place of drawing them (a gradient check replays a build), and the log-probability of each sentence's merges.
    internal int[]? ForcedChoices { get; set; }

    internal ReadOnlySpan<double> LogProbabilities => _logProbabilities.AsSpan(0, _sentences);

    internal List<int> Choices { get; } = new();

    /// <summary>
    /// Trees over the leaves of <paramref name="sentences"/> (their tokens, word ids and labels are
    /// kept, and the root's label; inner nodes are unlabelled): greedy in evaluation mode, drawn in
    /// training mode (<see cref="Module{T}.IsTraining"/>).
    /// </summary>
    public IReadOnlyList<Tree> Build(IReadOnlyList<Tree> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (sentences.Count == 0)
            throw new ArgumentException("The batch holds no sentence.", nameof(sentences));
        int leaves = 0;
        for (int i = 0; i < sentences.Count; i++)
            leaves += LeafCount(sentences[i] ?? throw new ArgumentNullException(nameof(sentences), $"sentences[{i}] is null."));
        Prepare(sentences.Count, leaves);
        var builders = new TreeBuilder[sentences.Count];
        ComputeLeaves(sentences, builders);
        Choices.Clear();
        int pending = 0;
        for (int i = 0; i < _sentences; i++)
        {
            for (int j = 0; j + 1 < _count[i]; j++)
                (_pendingSentence[pending], _pendingAt[pending++]) = (i, j);
        }
        int forced = 0;
        while (pending > 0)
        {
            ComposeCandidates(pending);
            pending = 0;
            for (int i = 0; i < _sentences; i++)
            {
                int count = _count[i];
                if (count < 2)
                    continue;
                int first = _first[i];
                int choice = Choose(i, first, count - 1, ref forced);
                Choices.Add(choice);
                int parent = _candidate[first + choice];
                int label = count == 2 ? sentences[i].Label(sentences[i].Root) : -1;
                int node = builders[i].Node(label, _spanNode[first + choice], _spanNode[first + choice + 1]);
                _spanRow[first + choice] = parent;
                _spanNode[first + choice] = node;
                for (int j = first + choice + 1; j < first + count - 1; j++)
                {
                    _spanRow[j] = _spanRow[j + 1];
                    _spanNode[j] = _spanNode[j + 1];
                }
                for (int j = first + choice; j < first + count - 2; j++)
                    _candidate[j] = _candidate[j + 1];
                count = --_count[i];
                if (choice > 0)
                    (_pendingSentence[pending], _pendingAt[pending++]) = (i, choice - 1);
                if (choice + 1 < count)
                    (_pendingSentence[pending], _pendingAt[pending++]) = (i, choice);
            }
        }
        var trees = new List<Tree>(_sentences);
        foreach (TreeBuilder builder in builders)
            trees.Add(builder.Build());
        _built = trees;
        return trees;
    }

    /// <summary>
    /// Adds the REINFORCE gradient of the last build's merges to q's gradient, with each tree's
    /// reward the log-probability of its root's label in <paramref name="taskWorkspace"/>'s last
    /// <see cref="TreeRunner{T}.Forward"/> over the trees <see cref="Build"/> returned.
    /// </summary>
    public void Backward(TreeWorkspace<T> taskWorkspace)
    {
        ArgumentNullException.ThrowIfNull(taskWorkspace);
        if (_built is null)
            throw new InvalidOperationException("Backward needs the trees of a Build; call Build, then the runner's Forward over them.");
        if (!ReferenceEquals(taskWorkspace.Runner, _runner) || !taskWorkspace.LossComputed || taskWorkspace.Trees != (IReadOnlyList<Tree>)_built)
            throw new ArgumentException("The workspace must hold the runner's Forward over the trees of this builder's last Build.", nameof(taskWorkspace));
        Span<double> rewards = _built.Count <= 256 ? stackalloc double[_built.Count] : new double[_built.Count];
        taskWorkspace.RootLogLikelihoods(rewards);
        Reinforce(rewards);
    }

    // q's gradient of −(1/B) Σ_i (r_i − r̄) log π_i, where ∇ log π_i = Σ over its merges (h_chosen − E_p[h]) / τ.
    internal void Reinforce(ReadOnlySpan<double> rewards)
    {
        double mean = 0;
        for (int i = 0; i < _sentences; i++)
            mean += rewards[i];
        mean /= _sentences;
        int size = Parameters.Length;
        for (int i = 0; i < _sentences; i++)
        {
            double scale = -(rewards[i] - mean) / _sentences;
            for (int k = 0; k < size; k++)
                Gradients[k] += T.CreateChecked(scale * _scoreGradient[i * size + k]);
        }
    }

    private static int LeafCount(Tree sentence)
    {
        int leaves = 0;
        for (int node = 0; node < sentence.NodeCount; node++)
            leaves += sentence.IsLeaf(node) ? 1 : 0;
        return leaves;
    }

    private void Prepare(int sentences, int leaves)
    {
        _sentences = sentences;
        Buffers.Grow(ref _spanRow, leaves);
        Buffers.Grow(ref _spanNode, leaves);
        Buffers.Grow(ref _candidate, leaves);
        Buffers.Grow(ref _pendingSentence, leaves);
        Buffers.Grow(ref _pendingAt, leaves);
        Buffers.Grow(ref _probabilities, leaves);
        Buffers.Grow(ref _first, sentences);
        Buffers.Grow(ref _count, sentences);
        Buffers.Grow(ref _logProbabilities, sentences);
        Buffers.Grow(ref _scoreGradient, sentences * Parameters.Length);
        _scoreGradient.AsSpan(0, sentences * Parameters.Length).Clear();
        _logProbabilities.AsSpan(0, sentences).Clear();
        // Leaves, the first candidates, then two new candidates per merge.
        int rows = 4 * leaves;
        for (int s = 0; s < _pool.Length; s++)
            Buffers.Grow(ref _pool[s], rows * _cell.StateSize(s));
        _poolRows = 0;
        if (_workspace is null || _workspace.Capacity < leaves)
            _workspace = _cell.CreateWorkspace(leaves + leaves / 2);
    }

    private void ComputeLeaves(IReadOnlyList<Tree> sentences, TreeBuilder[] builders)
    {
        NodeWorkspace<T> ws = _workspace!;
        bool hasInput = _cell.InputCount == 1;
        int output = _cell.OutputState, outputSize = _cell.StateSize(output), leaf = 0;
        Span<int> words = _pendingAt;
        for (int i = 0; i < sentences.Count; i++)
        {
            Tree sentence = sentences[i];
            builders[i] = new TreeBuilder();
            _first[i] = leaf;
            for (int node = 0; node < sentence.NodeCount; node++)
            {
                if (!sentence.IsLeaf(node))
                    continue;
                int word = sentence.Word(node);
                if ((uint)word >= (uint)_runner.Embedding.Count)
                    throw new ArgumentException($"sentences[{i}] leaf {node} ('{sentence.Token(node)}') has word id {word}, not in 0..{_runner.Embedding.Count - 1}; give its words ids with Tree.WithWords.", nameof(sentences));
                words[leaf] = word;
                _spanRow[leaf] = leaf;
                _spanNode[leaf] = builders[i].Leaf(sentence.Token(node), word, sentence.Label(node));
                leaf++;
            }
            _count[i] = leaf - _first[i];
        }
        _poolRows = leaf;
        if (!hasInput)
        {
            // Leaves are their word vectors.
            for (int s = 0; s < _pool.Length; s++)
                _pool[s].AsSpan(0, leaf * _cell.StateSize(s)).Clear();
            for (int r = 0; r < leaf; r++)
                _runner.Embedding.Parameters.AsSpan(words[r] * outputSize, outputSize).CopyTo(_pool[output].AsSpan(r * outputSize, outputSize));
            return;
        }
        for (int s = 0; s < _pool.Length; s++)
        {
            for (int k = 0; k < 2; k++)
                ws.ChildState(s, k).Slice(0, leaf * _cell.StateSize(s)).Clear();
        }
        _runner.Embedding.Forward(words.Slice(0, leaf), ws.Input(0).Slice(0, leaf * _cell.InputSize(0)));
        ws.ChildrenAreZero = true;
        ws.InputsAreZero = false;
        _cell.Forward(ws, leaf);
        for (int s = 0; s < _pool.Length; s++)
            ws.NewState(s).Slice(0, leaf * _cell.StateSize(s)).CopyTo(_pool[s]);
    }

    // The parents of the pending adjacent pairs, in one call of the cell, appended to the pool.
    private void ComposeCandidates(int pending)
    {
        NodeWorkspace<T> ws = _workspace!;
        for (int s = 0; s < _pool.Length; s++)
        {
            int size = _cell.StateSize(s);
            Span<T> left = ws.ChildState(s, 0), right = ws.ChildState(s, 1);
            for (int p = 0; p < pending; p++)
            {
                int at = _first[_pendingSentence[p]] + _pendingAt[p];
                _pool[s].AsSpan(_spanRow[at] * size, size).CopyTo(left.Slice(p * size, size));
                _pool[s].AsSpan(_spanRow[at + 1] * size, size).CopyTo(right.Slice(p * size, size));
            }
        }
        if (_cell.InputCount == 1)
            ws.Input(0).Slice(0, pending * _cell.InputSize(0)).Clear();
        ws.ChildrenAreZero = false;
        ws.InputsAreZero = _cell.InputCount == 1;
        _cell.Forward(ws, pending);
        for (int s = 0; s < _pool.Length; s++)
        {
            int size = _cell.StateSize(s);
            ws.NewState(s).Slice(0, pending * size).CopyTo(_pool[s].AsSpan(_poolRows * size, pending * size));
        }
        for (int p = 0; p < pending; p++)
            _candidate[_first[_pendingSentence[p]] + _pendingAt[p]] = _poolRows + p;
        _poolRows += pending;
    }

    // Scores the sentence's candidates, picks one (drawn in training, greedy otherwise, or forced),
    // and adds its log-probability and score gradient (h_chosen − E_p[h]) / τ.
    private int Choose(int sentence, int first, int candidates, ref int forced)
    {
        int size = Parameters.Length;
        T[] states = _pool[_cell.OutputState];
        ReadOnlySpan<T> query = Parameters;
        Span<double> p = _probabilities.AsSpan(0, candidates);
        double max = double.NegativeInfinity;
        for (int j = 0; j < candidates; j++)
        {
            p[j] = double.CreateChecked(Gemm.Dot(query, states.AsSpan(_candidate[first + j] * size, size))) / _temperature;
            max = Math.Max(max, p[j]);
        }
        double total = 0;
        for (int j = 0; j < candidates; j++)
            total += p[j] = Math.Exp(p[j] - max);
        int choice = 0;
        if (ForcedChoices is { } choices)
            choice = choices[forced++];
        else if (IsTraining)
        {
            double u = Sampler.NextDouble() * total;
            while (choice < candidates - 1 && (u -= p[choice]) > 0)
                choice++;
        }
        else
        {
            for (int j = 1; j < candidates; j++)
                choice = p[j] > p[choice] ? j : choice;
        }
        _logProbabilities[sentence] += Math.Log(p[choice] / total);
        Span<double> gradient = _scoreGradient.AsSpan(sentence * size, size);
        for (int j = 0; j < candidates; j++)
        {
            double weight = ((j == choice ? 1 : 0) - p[j] / total) / _temperature;
            ReadOnlySpan<T> h = states.AsSpan(_candidate[first + j] * size, size);
            for (int k = 0; k < size; k++)
                gradient[k] += weight * double.CreateChecked(h[k]);
        }
        return choice;
    }
}
