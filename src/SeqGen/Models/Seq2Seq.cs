using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;

namespace SeqGen.Models;

/// <summary>
/// An encoder–decoder with content-based attention (Bahdanau, Cho and Bengio 2015): source tokens
/// → <c>source_embedding</c> → a bidirectional <c>encoder</c> stack → keys; the decoder, any
/// generated cell with two inputs (input 0 the previous target token's embedding from
/// <c>target_embedding</c>, input 1 the context), is driven one step at a time from
/// <c>s_0 = tanh(bridge(h←_1))</c> (the backward direction's output at the first position); at
/// step i the <c>attention</c> reads s_{i−1} and gives the context c_i, and <c>output</c> maps
/// [s_i; c_i] to the target vocabulary's logits; softmax cross-entropy over the target tokens
/// (each target followed by the end token), teacher forcing in training. Without attention the
/// context is fixed to [h→ at the last position; h←_1] at every step, the same decoder on the
/// same budget for comparison.
/// </summary>
public sealed class Seq2Seq<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>An encoder–decoder over the given parts.</summary>
    /// <param name="sourceVocabulary">Source token ids are 0..sourceVocabulary − 1.</param>
    /// <param name="targetVocabulary">Target token ids are 0..targetVocabulary − 1, <paramref name="beginToken"/> and <paramref name="endToken"/> among them.</param>
    /// <param name="embeddingSize">Features of a token's embedding, source and target.</param>
    /// <param name="encoder">A bidirectional stack whose input size is <paramref name="embeddingSize"/>.</param>
    /// <param name="decoder">A cell with two inputs: the previous token's embedding (<paramref name="embeddingSize"/>) and the context (the encoder's output size).</param>
    /// <param name="beginToken">The decoder's first input.</param>
    /// <param name="endToken">Ends every target; decoding stops at it.</param>
    /// <param name="score">The attention's score; null for no attention (the context fixed to the encoder's summary).</param>
    /// <param name="seed">Seed of the embeddings', bridge's, attention's and output layer's initial weights.</param>
    public Seq2Seq(int sourceVocabulary, int targetVocabulary, int embeddingSize, RecurrentStack<T> encoder, RecurrentCellBase<T> decoder,
        int beginToken, int endToken, AttentionScore? score = AttentionScore.Additive, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        if (encoder.Directions != 2)
            throw new ArgumentException("The encoder must be bidirectional (its backward direction gives the decoder's initial state).", nameof(encoder));
        if (encoder.InputSize != embeddingSize)
            throw new ArgumentException($"The encoder reads {encoder.InputSize} features; the embeddings have {embeddingSize}.", nameof(encoder));
        if (decoder.InputCount != 2 || decoder.InputSize(0) != embeddingSize || decoder.InputSize(1) != encoder.OutputSize)
            throw new ArgumentException($"The decoder must take two inputs, the previous token's embedding ({embeddingSize}) and the context ({encoder.OutputSize}); it takes {Describe(decoder)}.", nameof(decoder));
        if ((uint)beginToken >= (uint)targetVocabulary || (uint)endToken >= (uint)targetVocabulary)
            throw new ArgumentOutOfRangeException(nameof(beginToken), $"The begin ({beginToken}) and end ({endToken}) tokens must be target ids in 0..{targetVocabulary - 1}.");
        int hidden = decoder.StateSize(decoder.OutputState);
        SourceEmbedding = AddChild("source_embedding", new Embedding<T>(sourceVocabulary, embeddingSize, seed: seed));
        Encoder = AddChild("encoder", encoder);
        Bridge = AddChild("bridge", new Linear<T>(encoder.HiddenSize, hidden, seed: seed + 1));
        Decoder = AddChild("decoder", decoder);
        TargetEmbedding = AddChild("target_embedding", new Embedding<T>(targetVocabulary, embeddingSize, seed: seed + 2));
        if (score is { } kind)
            Attention = AddChild("attention", new Attention<T>(hidden, encoder.OutputSize, kind, seed: seed + 3));
        Output = AddChild("output", new Linear<T>(hidden + encoder.OutputSize, targetVocabulary, seed: seed + 4));
        BeginToken = beginToken;
        EndToken = endToken;
    }

    private static string Describe(RecurrentCellBase<T> cell)
    {
        var inputs = new List<string>();
        for (int i = 0; i < cell.InputCount; i++)
            inputs.Add($"{cell.InputName(i)} ({cell.InputSize(i)})");
        return inputs.Count == 0 ? "none" : string.Join(", ", inputs);
    }

    /// <summary>The source tokens' vectors.</summary>
    public Embedding<T> SourceEmbedding { get; }

    /// <summary>The bidirectional encoder.</summary>
    public RecurrentStack<T> Encoder { get; }

    /// <summary>From the encoder's backward state at the first position to the decoder's initial state (then tanh).</summary>
    public Linear<T> Bridge { get; }

    /// <summary>The decoder cell, driven a step at a time.</summary>
    public RecurrentCellBase<T> Decoder { get; }

    /// <summary>The target tokens' vectors (the decoder's input 0).</summary>
    public Embedding<T> TargetEmbedding { get; }

    /// <summary>The attention, or null when the context is fixed.</summary>
    public Attention<T>? Attention { get; }

    /// <summary>From [s_i; c_i] to the target vocabulary's logits.</summary>
    public Linear<T> Output { get; }

    /// <summary>The decoder's first input token.</summary>
    public int BeginToken { get; }

    /// <summary>The token that ends every target.</summary>
    public int EndToken { get; }

    /// <summary>A workspace for batches of up to <paramref name="batch"/> pairs, sources of up to <paramref name="maxSourceLength"/> tokens and targets of up to <paramref name="maxTargetLength"/> (the end token not counted).</summary>
    public Seq2SeqWorkspace<T> CreateWorkspace(int maxSourceLength, int maxTargetLength, int batch) => new(this, maxSourceLength, maxTargetLength + 1, batch);

    /// <summary>
    /// Teacher-forced pass over <paramref name="sources"/> and <paramref name="targets"/> (each
    /// target's end token added): returns the mean cross-entropy per target token.
    /// </summary>
    public T Forward(Seq2SeqWorkspace<T> workspace, IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets)
    {
        Check(workspace);
        workspace.Load(sources, targets);
        workspace.Encode();
        for (int t = 0; t < workspace.TargetSteps; t++)
            workspace.DecodeStep(t, workspace.TeacherInput(t));
        return workspace.ComputeLoss();
    }

    /// <summary>Back-propagates the last <see cref="Forward"/>'s loss through the output layer, the decoder step by step, the attention, the bridge, the encoder and the embeddings.</summary>
    public void Backward(Seq2SeqWorkspace<T> workspace)
    {
        Check(workspace);
        workspace.Backward();
    }

    /// <summary>
    /// Greedy decoding: at each step the most likely token, until every sentence has produced the
    /// end token or <paramref name="maxLength"/> tokens. Returns each sentence's tokens without
    /// the end token.
    /// </summary>
    public List<int[]> Greedy(Seq2SeqWorkspace<T> workspace, IReadOnlyList<int[]> sources, int maxLength) => Search.Greedy(this, workspace, sources, maxLength);

    /// <summary>
    /// Beam search with <paramref name="beamWidth"/> hypotheses per sentence, each sentence on its
    /// own (so its result does not depend on the rest of the batch): a finished hypothesis scores
    /// <c>log p(y) / |y|^α</c> (|y| counting the end token; α = <paramref name="lengthPenalty"/>,
    /// 0 for raw log-probabilities). Returns each sentence's best tokens without the end token.
    /// </summary>
    public List<int[]> BeamSearch(IReadOnlyList<int[]> sources, int beamWidth, int maxLength, double lengthPenalty = 1.0) =>
        Search.Beam(this, sources, beamWidth, maxLength, lengthPenalty);

    private void Check(Seq2SeqWorkspace<T> workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Model, this))
            throw new ArgumentException("The workspace was created by another model; create one with this model's CreateWorkspace.", nameof(workspace));
    }
}
