using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.IO;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Modules;

/// <summary>
/// Every buffer of a <see cref="MemoryNetwork{T}"/>'s pass over a batch of questions, allocated
/// once: each question's memory slots (the story's latest sentences, slot 0 the latest, as word
/// ids), the question and answer, the embedded memories, the controller states u^1…u^{K+1},
/// the attention of every hop, the logits and every gradient.
/// </summary>
public sealed class MemoryWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly MemoryNetwork<T> _network;
    private readonly int[] _words, _slotLengths, _slots, _question, _questionLengths, _answers;
    private readonly T[] _memories, _memoryGradients, _states, _stateGradients, _attention, _scoreGradient, _logits, _logitGradient;
    private readonly int _m, _j, _d;

    internal MemoryWorkspace(MemoryNetwork<T> network, int batch)
    {
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch holds at least one question.");
        _network = network;
        Batch = batch;
        _m = network.MemorySize;
        _j = network.SentenceLength;
        _d = network.Dimension;
        Embeddings = network.Tying == WeightTying.Adjacent ? network.Hops + 1 : 2;
        _words = new int[batch * _m * _j];
        _slotLengths = new int[batch * _m];
        _slots = new int[batch];
        _question = new int[batch * _j];
        _questionLengths = new int[batch];
        _answers = new int[batch];
        _memories = new T[Embeddings * batch * _m * _d];
        _memoryGradients = new T[_memories.Length];
        _states = new T[(network.Hops + 1) * batch * _d];
        _stateGradients = new T[_states.Length];
        _attention = new T[network.Hops * batch * _m];
        _scoreGradient = new T[batch * _m];
        _logits = new T[batch * network.Vocabulary];
        _logitGradient = new T[_logits.Length];
    }

    internal MemoryNetwork<T> Network => _network;

    internal bool LossComputed { get; set; }

    internal int Embeddings { get; }

    /// <summary>Questions the workspace holds at most.</summary>
    public int Batch { get; }

    /// <summary>Questions of the current batch (the last batch of an epoch may be smaller).</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Loads <paramref name="count"/> examples from <paramref name="offset"/>: each question's
    /// memory holds the story's latest sentences, up to the network's memory size, latest first.
    /// With <paramref name="noise"/> &gt; 0 (random noise, training only), an empty memory is put
    /// before each sentence with that probability, as the paper does to regularise the temporal
    /// vectors; <paramref name="random"/> draws it.
    /// </summary>
    public void Load(IReadOnlyList<BabiExample> examples, int offset, int count, double noise = 0, SeededRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (count < 1 || count > Batch)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be from 1 to the batch size {Batch}.");
        if (offset < 0 || offset + count > examples.Count)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"examples {offset}..{offset + count - 1} are not all among the {examples.Count} given.");
        if (!(noise >= 0 && noise < 1))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "noise must be in [0, 1).");
        if (noise > 0 && random is null)
            throw new ArgumentNullException(nameof(random), "Random noise needs a SeededRandom so runs reproduce.");
        Count = count;
        for (int b = 0; b < count; b++)
        {
            BabiExample example = examples[offset + b];
            int slot = 0;
            for (int s = example.Story.Length - 1; s >= 0 && slot < _m; s--)
            {
                if (noise > 0 && random!.NextDouble() < noise && slot < _m - 1)
                    SetSlot(b, slot++, ReadOnlySpan<int>.Empty, offset + b, -1);
                SetSlot(b, slot++, example.Story[s], offset + b, s);
            }
            _slots[b] = slot;
            SetQuestion(b, example.Question, example.Answer, offset + b);
        }
    }

    // Messages are built only on failure, so loading a batch allocates nothing.
    private void SetSlot(int b, int slot, ReadOnlySpan<int> words, int example, int sentence)
    {
        if (words.Length > _j)
            throw new ArgumentException($"Sentence {sentence} of example {example} has {words.Length} words; the network takes sentences of at most {_j}.");
        if (!ValidWords(words))
            throw new ArgumentException($"Sentence {sentence} of example {example} has a word id outside the vocabulary of {_network.Vocabulary}.");
        words.CopyTo(_words.AsSpan((b * _m + slot) * _j));
        _slotLengths[b * _m + slot] = words.Length;
    }

    private void SetQuestion(int b, int[] question, int answer, int index)
    {
        if (question.Length > _j)
            throw new ArgumentException($"The question of example {index} has {question.Length} words; the network takes at most {_j}.");
        if (!ValidWords(question))
            throw new ArgumentException($"The question of example {index} has a word id outside the vocabulary of {_network.Vocabulary}.");
        if ((uint)answer >= (uint)_network.Vocabulary)
            throw new ArgumentOutOfRangeException(nameof(answer), answer, $"The answer of example {index} is word {answer}, outside the vocabulary of {_network.Vocabulary}.");
        question.CopyTo(_question.AsSpan(b * _j));
        _questionLengths[b] = question.Length;
        _answers[b] = answer;
    }

    private bool ValidWords(ReadOnlySpan<int> words)
    {
        foreach (int word in words)
        {
            if ((uint)word >= (uint)_network.Vocabulary)
                return false;
        }
        return true;
    }

    /// <summary>Memory slots in use for question <paramref name="b"/>; the others are masked out.</summary>
    public int Slots(int b) => _slots[b];

    /// <summary>The answers of the batch, a word id per question.</summary>
    public ReadOnlySpan<int> Answers => _answers.AsSpan(0, Count);

    /// <summary>The logits over the vocabulary of the last pass, [Count, vocabulary].</summary>
    public Span<T> Logits => _logits.AsSpan(0, Count * _network.Vocabulary);

    internal Span<T> LogitGradient => _logitGradient.AsSpan(0, Count * _network.Vocabulary);

    /// <summary>After a pass: hop <paramref name="hop"/>'s attention over the memory slots of question <paramref name="b"/> (slot 0 the latest sentence).</summary>
    public Span<T> Attention(int hop, int b) => _attention.AsSpan((hop * Batch + b) * _m, _m);

    internal ReadOnlySpan<int> SlotWords(int b, int slot) => _words.AsSpan((b * _m + slot) * _j, _slotLengths[b * _m + slot]);

    internal ReadOnlySpan<int> QuestionWords(int b) => _question.AsSpan(b * _j, _questionLengths[b]);

    internal Span<T> Memory(int embedding, int b, int slot) => _memories.AsSpan(((embedding * Batch + b) * _m + slot) * _d, _d);

    internal Span<T> MemoryGradient(int embedding, int b, int slot) => _memoryGradients.AsSpan(((embedding * Batch + b) * _m + slot) * _d, _d);

    internal Span<T> State(int hop, int b) => _states.AsSpan((hop * Batch + b) * _d, _d);

    internal Span<T> StateGradient(int hop, int b) => _stateGradients.AsSpan((hop * Batch + b) * _d, _d);

    internal Span<T> ScoreGradient(int b) => _scoreGradient.AsSpan(b * _m, _m);

    internal void ClearValues()
    {
        Array.Clear(_memories);
        Array.Clear(_attention);
    }

    internal void ClearGradients()
    {
        Array.Clear(_memoryGradients);
        Array.Clear(_stateGradients);
    }

    internal T ComputeLoss()
    {
        T loss = Losses.SoftmaxCrossEntropy<T>(Logits, Answers, _network.Vocabulary, LogitGradient);
        LossComputed = true;
        return loss;
    }

    /// <summary>The fraction of the batch's questions whose largest logit is the answer.</summary>
    public double Accuracy() => Metrics.Accuracy<T>(Logits, Answers, _network.Vocabulary);
}
