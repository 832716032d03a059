using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;

namespace SeqGen.Lab;

/// <summary>
/// Character-level language modelling of a text file: windows of <see cref="Length"/> characters
/// (one-hot), the next character as the target at every step. The first 90 % of the text trains,
/// the rest validates. The baseline is the text's unigram entropy: the loss of predicting each
/// character's overall frequency, blind to what came before.
/// </summary>
internal sealed class CharacterModelTask : ISequenceTask
{
    private readonly int[] _codes;
    private readonly int _split;

    public CharacterModelTask(string path, int length)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"--text: no file at '{path}'.", path);
        string text = File.ReadAllText(path);
        if (text.Length < 2 * (length + 1) * 10)
            throw new ArgumentException($"--text: '{path}' has {text.Length} characters; it needs at least {2 * (length + 1) * 10} for windows of {length}.");
        var alphabet = new SortedSet<char>(text);
        Alphabet = new List<char>(alphabet).ToArray();
        var index = new Dictionary<char, int>();
        for (int i = 0; i < Alphabet.Length; i++)
            index[Alphabet[i]] = i;
        _codes = new int[text.Length];
        var counts = new double[Alphabet.Length];
        for (int i = 0; i < text.Length; i++)
        {
            _codes[i] = index[text[i]];
            counts[_codes[i]]++;
        }
        _split = text.Length * 9 / 10;
        double entropy = 0;
        foreach (double count in counts)
        {
            double p = count / text.Length;
            if (p > 0)
                entropy -= p * Math.Log(p);
        }
        Baseline = entropy;
        Length = length;
    }

    public char[] Alphabet { get; }

    public string Name => "text";
    public int Features => Alphabet.Length;
    public int Classes => Alphabet.Length;
    public int Length { get; }
    public int TargetSteps => Length;
    public double Baseline { get; }
    public string BaselineMeaning => $"nats per character of the unigram guess, {Baseline / Math.Log(2):F2} bits";

    public void Fill(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random) =>
        FillFrom(0, _split, inputs, labels, random);

    public void FillHeldOut(Span<float> inputs, Span<float> values, Span<int> labels, SeededRandom random) =>
        FillFrom(_split, _codes.Length, inputs, labels, random);

    private void FillFrom(int from, int to, Span<float> inputs, Span<int> labels, SeededRandom random)
    {
        int batch = labels.Length / Length;
        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int start = from + (int)(random.NextDouble() * (to - from - Length - 1));
            for (int t = 0; t < Length; t++)
            {
                inputs[(t * batch + b) * Features + _codes[start + t]] = 1;
                labels[t * batch + b] = _codes[start + t + 1];
            }
        }
    }

    /// <summary>Streams the trained cell one character at a time, sampling each next one at <paramref name="temperature"/>.</summary>
    public string Sample(RecurrentCellBase<float> cell, Linear<float> head, int count, double temperature, SeededRandom random)
    {
        StreamState<float> stream = cell.CreateStream(1);
        var logits = new float[Alphabet.Length];
        var probabilities = new double[Alphabet.Length];
        var text = new StringBuilder();
        int current = _codes[_split];
        for (int i = 0; i < count; i++)
        {
            Span<float> input = stream.Input(0);
            input.Clear();
            input[current] = 1;
            cell.Step(stream);
            head.Forward(stream.Output, logits, 1);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float logit in logits)
                max = Math.Max(max, logit / temperature);
            for (int c = 0; c < logits.Length; c++)
            {
                probabilities[c] = Math.Exp(logits[c] / temperature - max);
                sum += probabilities[c];
            }
            double draw = random.NextDouble() * sum;
            current = Alphabet.Length - 1;
            for (int c = 0; c < probabilities.Length; c++)
            {
                draw -= probabilities[c];
                if (draw <= 0)
                {
                    current = c;
                    break;
                }
            }
            text.Append(Alphabet[current]);
        }
        return text.ToString();
    }
}
