using System;
using System.Numerics;

namespace SeqGen.Modules;

/// <summary>
/// The buffers of an <see cref="Attention{T}"/> over one batch of sources: the keys and their
/// projections, each step's query and weights (kept for backward), and the gradients gathered
/// for the keys. Sized once; steps allocate nothing.
/// </summary>
public sealed class AttentionWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _keySize, _projectedSize;
    private readonly T[] _keys, _keyGradients, _queries, _alphas, _projectedQuery, _projectedQueryGradient;
    private readonly int[] _lengths;

    internal AttentionWorkspace(Attention<T> owner, int maxSourceLength, int batch, int maxSteps)
    {
        if (maxSourceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(maxSourceLength), maxSourceLength, "maxSourceLength must be at least 1.");
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1.");
        if (maxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "maxSteps must be at least 1.");
        Owner = owner;
        MaxSourceLength = maxSourceLength;
        Batch = batch;
        MaxSteps = maxSteps;
        _keySize = owner.KeySize;
        // The query's side of the score: A features (additive) or K (general, dot).
        _projectedSize = owner.Score == AttentionScore.Additive ? owner.AttentionSize : owner.KeySize;
        int keys = maxSourceLength * batch;
        _keys = new T[keys * _keySize];
        _keyGradients = new T[keys * _keySize];
        int attention = owner.AttentionSize;
        ProjectedKeys = new T[keys * attention];
        ProjectedKeyGradients = new T[keys * attention];
        _queries = new T[maxSteps * batch * owner.QuerySize];
        _alphas = new T[maxSteps * batch * maxSourceLength];
        _projectedQuery = new T[batch * _projectedSize];
        _projectedQueryGradient = new T[batch * _projectedSize];
        ScoreGradient = new T[maxSourceLength];
        _lengths = new int[batch];
    }

    internal Attention<T> Owner { get; }

    /// <summary>Most positions a source may have.</summary>
    public int MaxSourceLength { get; }

    /// <summary>Sources (and queries per step) in a batch.</summary>
    public int Batch { get; }

    /// <summary>Most steps between two <see cref="Attention{T}.SetSources"/>.</summary>
    public int MaxSteps { get; }

    /// <summary>S: the padded length of the current sources.</summary>
    public int SourceLength { get; private set; }

    /// <summary>Steps run since the sources were set.</summary>
    public int Steps { get; internal set; }

    /// <summary>Each source's length.</summary>
    public ReadOnlySpan<int> Lengths => _lengths;

    internal bool HasSources => SourceLength > 0;

    internal int BackwardSteps { get; set; }

    internal ReadOnlySpan<T> Keys => _keys.AsSpan(0, SourceLength * Batch * _keySize);

    internal ReadOnlySpan<T> KeyGradients => _keyGradients.AsSpan(0, SourceLength * Batch * _keySize);

    internal T[] ProjectedKeys { get; }

    internal T[] ProjectedKeyGradients { get; }

    internal T[] ScoreGradient { get; }

    internal Span<T> ProjectedQuery => _projectedQuery;

    internal Span<T> ProjectedQueryGradient => _projectedQueryGradient;

    internal void Begin(ReadOnlySpan<T> keys, ReadOnlySpan<int> lengths, int sourceLength)
    {
        SourceLength = sourceLength;
        keys.CopyTo(_keys);
        lengths.CopyTo(_lengths);
        _keyGradients.AsSpan(0, keys.Length).Clear();
        ProjectedKeyGradients.AsSpan(0, sourceLength * Batch * Owner.AttentionSize).Clear();
        Steps = 0;
        BackwardSteps = 0;
    }

    internal ReadOnlySpan<T> Key(int position, int source) => _keys.AsSpan((position * Batch + source) * _keySize, _keySize);

    internal Span<T> KeyGradient(int position, int source) => _keyGradients.AsSpan((position * Batch + source) * _keySize, _keySize);

    internal ReadOnlySpan<T> ProjectedKey(int position, int source) =>
        ProjectedKeys.AsSpan((position * Batch + source) * Owner.AttentionSize, Owner.AttentionSize);

    internal Span<T> ProjectedKeyGradient(int position, int source) =>
        ProjectedKeyGradients.AsSpan((position * Batch + source) * Owner.AttentionSize, Owner.AttentionSize);

    internal Span<T> Query(int step) => _queries.AsSpan(step * Batch * Owner.QuerySize, Batch * Owner.QuerySize);

    internal Span<T> Alphas(int step) => _alphas.AsSpan(step * Batch * SourceLength, Batch * SourceLength);
}
