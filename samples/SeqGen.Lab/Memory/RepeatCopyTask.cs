using System;

namespace SeqGen.Lab;

/// <summary>
/// Repeat copy (Graves et al. 2014, section 4.2): a sequence of 1–10 random 8-bit vectors, a
/// delimiter, then the number of copies wanted (1–10, normalised to mean 0 and variance 1) on its
/// own channel; the machine writes the sequence that many times and then an end marker on a ninth
/// output channel, so it must count. Generalisation: longer sequences, lengths 11–20, with the
/// same repeat counts.
/// </summary>
internal sealed class RepeatCopyTask : NtmTask
{
    internal const int Bits = 8, MaxLength = 10, MaxRepeats = 10, LongFrom = 11, LongTo = 20;
    private const int Delimiter = Bits, Count = Bits + 1;

    public override string Name => "repeat-copy";
    public override string Title => $"repeat copy, lengths 1–{MaxLength}, 1–{MaxRepeats} copies";
    public override string Longer => $"lengths {LongFrom}–{LongTo}, 1–{MaxRepeats} copies";
    public override string Layout => $"a sequence of 1–{MaxLength} random {Bits}-bit vectors, a delimiter, the number of copies (1–{MaxRepeats}, normalised) on a tenth channel; the answer is the sequence that many times, then an end marker on a ninth output channel";
    public override int Inputs => Bits + 2;
    public override int Outputs => Bits + 1;
    public override int MaxSteps => Steps(MaxLength, MaxRepeats);
    public override int LongerMaxSteps => Steps(LongTo, MaxRepeats);
    public override int DefaultEpisodes => 100_000;

    private static int Steps(int length, int repeats) => length + 2 + length * repeats + 1;

    public override NtmEpisode Next(Random random, bool longer, Span<float> input, Span<float> target)
    {
        int length = longer ? random.Next(LongFrom, LongTo + 1) : random.Next(1, MaxLength + 1);
        return Episode(random, length, random.Next(1, MaxRepeats + 1), input, target);
    }

    public override NtmEpisode Example(Span<float> input, Span<float> target) => Episode(new Random(7), 5, 4, input, target);

    internal static NtmEpisode Episode(Random random, int length, int repeats, Span<float> input, Span<float> target)
    {
        const int channels = Bits + 2, outputs = Bits + 1;
        int steps = Steps(length, repeats), outputFrom = length + 2;
        input.Slice(0, steps * channels).Clear();
        target.Slice(0, (steps - outputFrom) * outputs).Clear();
        for (int t = 0; t < length; t++)
        {
            for (int j = 0; j < Bits; j++)
                input[t * channels + j] = random.Next(2);
        }
        input[length * channels + Delimiter] = 1;
        // A discrete uniform over 1..n has mean (n + 1) / 2 and variance (n² − 1) / 12.
        input[(length + 1) * channels + Count] = (float)((repeats - (MaxRepeats + 1) / 2.0) / Math.Sqrt((MaxRepeats * MaxRepeats - 1) / 12.0));
        for (int k = 0; k < length * repeats; k++)
            input.Slice(k % length * channels, Bits).CopyTo(target.Slice(k * outputs, Bits));
        target[length * repeats * outputs + Bits] = 1;
        return new NtmEpisode(steps, outputFrom);
    }
}
