using System;

namespace SeqGen.Lab;

/// <summary>
/// The copy task as the paper sets it: a sequence of 1–20 random 8-bit vectors, then a delimiter
/// on a ninth channel, then as many blank steps in which the machine must write the sequence back.
/// </summary>
internal sealed class CopyTask : NtmTask
{
    internal const int Bits = 8, MaxLength = 20, LongFrom = 30, LongTo = 40;

    public override string Name => "copy";
    public override string Title => $"copy, lengths 1–{MaxLength}";
    public override string Longer => $"lengths {LongFrom}–{LongTo}";
    public override string Layout => $"a sequence of 1–{MaxLength} random {Bits}-bit vectors, a delimiter on a ninth channel, then as many blank steps in which the machine writes the sequence back";
    public override int Inputs => Bits + 1;
    public override int Outputs => Bits;
    public override int MaxSteps => 2 * MaxLength + 1;
    public override int LongerMaxSteps => 2 * LongTo + 1;
    public override int DefaultEpisodes => 50_000;

    public override NtmEpisode Next(Random random, bool longer, Span<float> input, Span<float> target)
    {
        int length = longer ? random.Next(LongFrom, LongTo + 1) : random.Next(1, MaxLength + 1);
        Sequence(random, length, input, target);
        return new NtmEpisode(2 * length + 1, length + 1);
    }

    public override NtmEpisode Example(Span<float> input, Span<float> target)
    {
        Sequence(new Random(7), MaxLength, input, target);
        return new NtmEpisode(2 * MaxLength + 1, MaxLength + 1);
    }

    // One copy sequence of the given length: inputs [2L + 1, 9], targets [L, 8].
    internal static void Sequence(Random random, int length, Span<float> input, Span<float> target)
    {
        input.Slice(0, (2 * length + 1) * (Bits + 1)).Clear();
        for (int t = 0; t < length; t++)
        {
            for (int j = 0; j < Bits; j++)
            {
                float bit = random.Next(2);
                input[t * (Bits + 1) + j] = bit;
                target[t * Bits + j] = bit;
            }
        }
        input[length * (Bits + 1) + Bits] = 1;
    }
}
