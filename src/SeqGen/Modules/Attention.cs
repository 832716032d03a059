using System;
using System.Numerics;
using SeqGen.CompilerServices;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Modules;

/// <summary>How an <see cref="Attention{T}"/> scores a query against each key.</summary>
public enum AttentionScore
{
    /// <summary>Bahdanau et al. 2015: <c>e = v_aᵀ tanh(W_a s + U_a h)</c>, with <c>U_a h</c> computed once per batch of sources.</summary>
    Additive,
    /// <summary>Luong et al. 2015, "general": <c>e = sᵀ W_a h</c>.</summary>
    General,
    /// <summary>Luong et al. 2015, "dot": <c>e = sᵀ h</c> (the query and key sizes must be equal).</summary>
    Dot,
}

/// <summary>
/// Content-based soft attention over a batch of sources of different lengths: for each query s
/// (a decoder state), scores e_j against every key h_j of its own source, weights
/// α = softmax_j(e) over that source's length only — padded positions get exactly zero weight and
/// zero gradient — and the context c = Σ_j α_j h_j. Sources are set once per batch
/// (<see cref="SetSources"/>, time-major [S, B, K] as a recurrent stack writes them); then one
/// <see cref="Forward"/> per decoder step and, in reverse order, one <see cref="Backward"/> per
/// step, and <see cref="BackwardSources"/> once for the keys' gradient. Parameters: additive
/// <c>W_a</c> [A × Q], <c>U_a</c> [A × K], <c>v_a</c> [A] (bias-free, as joeynmt); general
/// <c>W_a</c> [Q × K]; dot none. Initialised U(±1/√fan-in).
/// </summary>
public sealed class Attention<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _wa, _ua, _va;

    /// <summary>An attention from queries of <paramref name="querySize"/> to keys of <paramref name="keySize"/> features.</summary>
    /// <param name="querySize">Q: features of a query (the decoder's state).</param>
    /// <param name="keySize">K: features of a key (an encoder output, e.g. both directions).</param>
    /// <param name="score">How a query meets a key.</param>
    /// <param name="attentionSize">A: the additive score's hidden size (0: the query size); ignored by the others.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public Attention(int querySize, int keySize, AttentionScore score = AttentionScore.Additive, int attentionSize = 0, int seed = 0)
        : base(Layout(querySize, keySize, score, attentionSize))
    {
        QuerySize = querySize;
        KeySize = keySize;
        Score = score;
        AttentionSize = score == AttentionScore.Additive ? (attentionSize == 0 ? querySize : attentionSize) : 0;
        var random = new SeededRandom(seed);
        foreach (ParameterInfo info in ParameterInfos)
        {
            double bound = 1 / Math.Sqrt(info.Kind == ParameterKind.Vector ? info.Rows : info.Columns);
            Initializers.Uniform<T>(Parameters.AsSpan(info.Offset, info.Length), -bound, bound, random);
        }
        if (score == AttentionScore.Additive)
        {
            int a = AttentionSize;
            (_wa, _ua, _va) = (0, a * querySize, a * querySize + a * keySize);
        }
    }

    private static ParameterInfo[] Layout(int querySize, int keySize, AttentionScore score, int attentionSize)
    {
        if (querySize < 1)
            throw new ArgumentOutOfRangeException(nameof(querySize), querySize, "querySize must be at least 1.");
        if (keySize < 1)
            throw new ArgumentOutOfRangeException(nameof(keySize), keySize, "keySize must be at least 1.");
        if (attentionSize < 0)
            throw new ArgumentOutOfRangeException(nameof(attentionSize), attentionSize, "attentionSize must not be negative (0: the query size).");
        switch (score)
        {
            case AttentionScore.Additive:
                int a = attentionSize == 0 ? querySize : attentionSize;
                return new[]
                {
                    new ParameterInfo("W_a", ParameterKind.Matrix, 0, a, querySize, true),
                    new ParameterInfo("U_a", ParameterKind.Matrix, a * querySize, a, keySize, true),
                    new ParameterInfo("v_a", ParameterKind.Vector, a * querySize + a * keySize, a, 1, true),
                };
            case AttentionScore.General:
                return new[] { new ParameterInfo("W_a", ParameterKind.Matrix, 0, querySize, keySize, true) };
            case AttentionScore.Dot:
                if (querySize != keySize)
                    throw new ArgumentException($"A dot-product score needs queries and keys of one size; the query has {querySize} features and the key {keySize}.", nameof(keySize));
                return Array.Empty<ParameterInfo>();
            default:
                throw new ArgumentOutOfRangeException(nameof(score), score, "Unknown score.");
        }
    }

    /// <summary>Q: features of a query.</summary>
    public int QuerySize { get; }

    /// <summary>K: features of a key, and of the context.</summary>
    public int KeySize { get; }

    /// <summary>A: the additive score's hidden size (0 for the other scores).</summary>
    public int AttentionSize { get; }

    /// <summary>How a query meets a key.</summary>
    public AttentionScore Score { get; }

    /// <summary>A workspace for sources of up to <paramref name="maxSourceLength"/> positions, <paramref name="batch"/> sources and <paramref name="maxSteps"/> queries each.</summary>
    public AttentionWorkspace<T> CreateWorkspace(int maxSourceLength, int batch, int maxSteps) => new(this, maxSourceLength, batch, maxSteps);

    /// <summary>
    /// Sets the batch's sources: <paramref name="keys"/> [S, B, K] time-major (position j of source
    /// b at row j·B + b) and each source's length (1..S; positions from its length on are
    /// padding). Computes <c>U_a h</c> for every key in one GEMM and starts a new sequence of steps.
    /// </summary>
    public void SetSources(AttentionWorkspace<T> workspace, ReadOnlySpan<T> keys, ReadOnlySpan<int> lengths, int sourceLength)
    {
        Check(workspace);
        int batch = workspace.Batch;
        if (sourceLength < 1 || sourceLength > workspace.MaxSourceLength)
            throw new ArgumentOutOfRangeException(nameof(sourceLength), sourceLength, $"sourceLength must be from 1 to the workspace's {workspace.MaxSourceLength}.");
        if (keys.Length != sourceLength * batch * KeySize)
            throw new ArgumentException($"keys has {keys.Length} elements; expected [S = {sourceLength}, B = {batch}, K = {KeySize}] = {sourceLength * batch * KeySize}.", nameof(keys));
        if (lengths.Length != batch)
            throw new ArgumentException($"lengths has {lengths.Length} entries; the workspace's batch is {batch}.", nameof(lengths));
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > sourceLength)
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"lengths[{b}] = {lengths[b]} is not from 1 to the source length {sourceLength}.");
        }
        workspace.Begin(keys, lengths, sourceLength);
        if (Score == AttentionScore.Additive)
        {
            int rows = sourceLength * batch;
            Gemm.Compute<T>(false, true, rows, AttentionSize, KeySize, workspace.Keys, KeySize,
                Parameters.AsSpan(_ua, AttentionSize * KeySize), KeySize, workspace.ProjectedKeys.AsSpan(0, rows * AttentionSize), AttentionSize, false);
        }
    }

    /// <summary>
    /// One step: <paramref name="query"/> [B, Q] attends to the sources; writes
    /// <paramref name="context"/> [B, K]. The weights are kept for <see cref="Weights"/> and backward.
    /// </summary>
    public void Forward(AttentionWorkspace<T> workspace, ReadOnlySpan<T> query, Span<T> context)
    {
        Check(workspace);
        if (!workspace.HasSources)
            throw new InvalidOperationException("SetSources must come before the first step.");
        int batch = workspace.Batch, step = workspace.Steps;
        if (step == workspace.MaxSteps)
            throw new InvalidOperationException($"The workspace holds {workspace.MaxSteps} steps; create one with more, or SetSources again to start over.");
        Require(query.Length, batch * QuerySize, nameof(query), "[B, Q]");
        Require(context.Length, batch * KeySize, nameof(context), "[B, K]");
        query.CopyTo(workspace.Query(step));
        ProjectQuery(workspace, query);
        Span<T> alphas = workspace.Alphas(step);
        int s = workspace.SourceLength;
        for (int b = 0; b < batch; b++)
        {
            int length = workspace.Lengths[b];
            Span<T> alpha = alphas.Slice(b * s, s);
            for (int j = 0; j < length; j++)
                alpha[j] = ScoreOf(workspace, b, j);
            alpha.Slice(length).Clear();
            SpanMath.Softmax(alpha.Slice(0, length));
            Span<T> c = context.Slice(b * KeySize, KeySize);
            c.Clear();
            for (int j = 0; j < length; j++)
                Gemm.AddScaled<T>(c, alpha[j], workspace.Key(j, b));
        }
        workspace.Steps = step + 1;
    }

    /// <summary>The attention weights of step <paramref name="step"/>, [B, S] (zero past each source's length).</summary>
    public ReadOnlySpan<T> Weights(AttentionWorkspace<T> workspace, int step)
    {
        Check(workspace);
        if ((uint)step >= (uint)workspace.Steps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"{workspace.Steps} steps have run.");
        return workspace.Alphas(step);
    }

    /// <summary>
    /// Back-propagates the latest step not yet gone back through (steps in reverse order):
    /// <paramref name="contextGradient"/> [B, K] in, the query's gradient written to
    /// <paramref name="queryGradient"/> [B, Q]; the keys' gradients gather until <see cref="BackwardSources"/>.
    /// </summary>
    public void Backward(AttentionWorkspace<T> workspace, ReadOnlySpan<T> contextGradient, Span<T> queryGradient)
    {
        Check(workspace);
        int batch = workspace.Batch;
        if (workspace.BackwardSteps >= workspace.Steps)
            throw new InvalidOperationException($"Every one of the {workspace.Steps} steps has gone back already; Backward follows a Forward.");
        Require(contextGradient.Length, batch * KeySize, nameof(contextGradient), "[B, K]");
        Require(queryGradient.Length, batch * QuerySize, nameof(queryGradient), "[B, Q]");
        int step = workspace.Steps - 1 - workspace.BackwardSteps;
        ReadOnlySpan<T> query = workspace.Query(step);
        ProjectQuery(workspace, query);
        ReadOnlySpan<T> alphas = workspace.Alphas(step);
        Span<T> dProjected = workspace.ProjectedQueryGradient;
        dProjected.Clear();
        int s = workspace.SourceLength;
        Span<T> dAlpha = workspace.ScoreGradient.AsSpan(0, s);
        for (int b = 0; b < batch; b++)
        {
            int length = workspace.Lengths[b];
            ReadOnlySpan<T> alpha = alphas.Slice(b * s, length);
            ReadOnlySpan<T> dc = contextGradient.Slice(b * KeySize, KeySize);
            T weighted = T.Zero;
            for (int j = 0; j < length; j++)
            {
                dAlpha[j] = Gemm.Dot<T>(dc, workspace.Key(j, b));
                Gemm.AddScaled<T>(workspace.KeyGradient(j, b), alpha[j], dc);
                weighted += alpha[j] * dAlpha[j];
            }
            // Softmax backward: de_j = α_j (dα_j − Σ_k α_k dα_k).
            for (int j = 0; j < length; j++)
                ScoreBackward(workspace, b, j, alpha[j] * (dAlpha[j] - weighted));
        }
        ProjectQueryBackward(workspace, query, queryGradient);
        workspace.BackwardSteps++;
    }

    /// <summary>
    /// After every step's <see cref="Backward"/>: adds the gradient of the loss w.r.t. the keys,
    /// [S, B, K], to <paramref name="keysGradient"/> (zero at padded positions), and U_a's gradient.
    /// </summary>
    public void BackwardSources(AttentionWorkspace<T> workspace, Span<T> keysGradient)
    {
        Check(workspace);
        if (workspace.BackwardSteps != workspace.Steps)
            throw new InvalidOperationException($"{workspace.Steps - workspace.BackwardSteps} of the {workspace.Steps} steps have not gone back yet; BackwardSources comes after every step's Backward.");
        int rows = workspace.SourceLength * workspace.Batch;
        Require(keysGradient.Length, rows * KeySize, nameof(keysGradient), "[S, B, K]");
        Gemm.AddScaled<T>(keysGradient, T.One, workspace.KeyGradients);
        if (Score != AttentionScore.Additive)
            return;
        ReadOnlySpan<T> dProjectedKeys = workspace.ProjectedKeyGradients.AsSpan(0, rows * AttentionSize);
        Gemm.Compute<T>(true, false, AttentionSize, KeySize, rows, dProjectedKeys, AttentionSize, workspace.Keys, KeySize,
            Gradients.AsSpan(_ua, AttentionSize * KeySize), KeySize, true);
        Gemm.Compute<T>(false, false, rows, KeySize, AttentionSize, dProjectedKeys, AttentionSize,
            Parameters.AsSpan(_ua, AttentionSize * KeySize), KeySize, keysGradient, KeySize, true);
    }

    // The query's side of the score, one GEMM for the batch: W_a s (additive), sᵀ W_a (general), s (dot).
    private void ProjectQuery(AttentionWorkspace<T> workspace, ReadOnlySpan<T> query)
    {
        int batch = workspace.Batch;
        Span<T> projected = workspace.ProjectedQuery;
        switch (Score)
        {
            case AttentionScore.Additive:
                Gemm.Compute<T>(false, true, batch, AttentionSize, QuerySize, query, QuerySize, Parameters.AsSpan(_wa, AttentionSize * QuerySize), QuerySize, projected, AttentionSize, false);
                break;
            case AttentionScore.General:
                Gemm.Compute<T>(false, false, batch, KeySize, QuerySize, query, QuerySize, Parameters, KeySize, projected, KeySize, false);
                break;
            default:
                query.CopyTo(projected);
                break;
        }
    }

    private void ProjectQueryBackward(AttentionWorkspace<T> workspace, ReadOnlySpan<T> query, Span<T> queryGradient)
    {
        int batch = workspace.Batch;
        ReadOnlySpan<T> dProjected = workspace.ProjectedQueryGradient;
        switch (Score)
        {
            case AttentionScore.Additive:
                Gemm.Compute<T>(true, false, AttentionSize, QuerySize, batch, dProjected, AttentionSize, query, QuerySize, Gradients.AsSpan(_wa, AttentionSize * QuerySize), QuerySize, true);
                Gemm.Compute<T>(false, false, batch, QuerySize, AttentionSize, dProjected, AttentionSize, Parameters.AsSpan(_wa, AttentionSize * QuerySize), QuerySize, queryGradient, QuerySize, false);
                break;
            case AttentionScore.General:
                Gemm.Compute<T>(true, false, QuerySize, KeySize, batch, query, QuerySize, dProjected, KeySize, Gradients, KeySize, true);
                Gemm.Compute<T>(false, true, batch, QuerySize, KeySize, dProjected, KeySize, Parameters, KeySize, queryGradient, QuerySize, false);
                break;
            default:
                dProjected.CopyTo(queryGradient);
                break;
        }
    }

    // e for source b, position j: v_aᵀ tanh(q_b + (U_a h)_jb), or u_b · h_jb.
    private T ScoreOf(AttentionWorkspace<T> workspace, int b, int j)
    {
        if (Score != AttentionScore.Additive)
            return Gemm.Dot<T>(workspace.ProjectedQuery.Slice(b * KeySize, KeySize), workspace.Key(j, b));
        int a = AttentionSize;
        ReadOnlySpan<T> q = workspace.ProjectedQuery.Slice(b * a, a), p = workspace.ProjectedKey(j, b), v = Parameters.AsSpan(_va, a);
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var acc = Vector<T>.Zero;
            for (; i <= a - Vector<T>.Count; i += Vector<T>.Count)
                acc += new Vector<T>(v.Slice(i)) * VectorMath.Tanh(new Vector<T>(q.Slice(i)) + new Vector<T>(p.Slice(i)));
            sum = Vector.Sum(acc);
        }
        for (; i < a; i++)
            sum += v[i] * VectorMath.Tanh(q[i] + p[i]);
        return sum;
    }

    // Given de for source b, position j: the gradients of v_a, the projected query and key (additive), or of u_b and h_jb.
    private void ScoreBackward(AttentionWorkspace<T> workspace, int b, int j, T de)
    {
        if (Score != AttentionScore.Additive)
        {
            Gemm.AddScaled<T>(workspace.ProjectedQueryGradient.Slice(b * KeySize, KeySize), de, workspace.Key(j, b));
            Gemm.AddScaled<T>(workspace.KeyGradient(j, b), de, workspace.ProjectedQuery.Slice(b * KeySize, KeySize));
            return;
        }
        int a = AttentionSize;
        ReadOnlySpan<T> q = workspace.ProjectedQuery.Slice(b * a, a), p = workspace.ProjectedKey(j, b), v = Parameters.AsSpan(_va, a);
        Span<T> dq = workspace.ProjectedQueryGradient.Slice(b * a, a), dp = workspace.ProjectedKeyGradient(j, b), dv = Gradients.AsSpan(_va, a);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var scale = new Vector<T>(de);
            for (; i <= a - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> z = VectorMath.Tanh(new Vector<T>(q.Slice(i)) + new Vector<T>(p.Slice(i)));
                (new Vector<T>(dv.Slice(i)) + scale * z).CopyTo(dv.Slice(i));
                Vector<T> dz = scale * new Vector<T>(v.Slice(i)) * (Vector<T>.One - z * z);
                (new Vector<T>(dq.Slice(i)) + dz).CopyTo(dq.Slice(i));
                (new Vector<T>(dp.Slice(i)) + dz).CopyTo(dp.Slice(i));
            }
        }
        for (; i < a; i++)
        {
            T z = VectorMath.Tanh(q[i] + p[i]);
            dv[i] += de * z;
            T dz = de * v[i] * (T.One - z * z);
            dq[i] += dz;
            dp[i] += dz;
        }
    }

    private void Check(AttentionWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
            throw new ArgumentException("The workspace was created by another attention; create one with this attention's CreateWorkspace.", nameof(workspace));
    }

    private static void Require(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; expected {shape} = {expected}.", name);
    }
}
