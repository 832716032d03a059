using System;

namespace SeqGen.Lab;

/// <summary>
/// Associative recall (Graves et al. 2014, section 4.3): 2–6 items of three 6-bit vectors, each
/// item opened by a delimiter on channel 7; then a query item between delimiters on channel 8; the
/// machine must output the item that followed the query in the list. Generalisation: 7–12 items.
/// </summary>
internal sealed class RecallTask : NtmTask
{
    private const int Bits = 6, Channels = Bits + 2, ItemLength = 3, MinItems = 2, MaxItems = 6, LongFrom = 7, LongTo = 12;

    public override string Name => "recall";
    public override string Title => $"associative recall, {MinItems}–{MaxItems} items";
    public override string Longer => $"{LongFrom}–{LongTo} items";
    public override string Layout => $"{MinItems}–{MaxItems} items of {ItemLength} random {Bits}-bit vectors, each opened by a delimiter, then a query item between two other delimiters; the answer is the item that followed the query";
    public override int Inputs => Channels;
    public override int Outputs => Bits;
    public override int MaxSteps => Steps(MaxItems);
    public override int LongerMaxSteps => Steps(LongTo);
    public override int DefaultEpisodes => 50_000;

    private static int Steps(int items) => items * (ItemLength + 1) + 2 + 2 * ItemLength;

    public override NtmEpisode Next(Random random, bool longer, Span<float> input, Span<float> target)
    {
        int steps = Episode(random, longer ? random.Next(LongFrom, LongTo + 1) : random.Next(MinItems, MaxItems + 1), input, target);
        return new NtmEpisode(steps, steps - ItemLength);
    }

    public override NtmEpisode Example(Span<float> input, Span<float> target)
    {
        int steps = Episode(new Random(7), MaxItems, input, target);
        return new NtmEpisode(steps, steps - ItemLength);
    }

    // One episode: returns the steps; input [steps, 8], the target item [3, 6] is output over the last 3 steps.
    internal static int Episode(Random random, int items, Span<float> input, Span<float> target)
    {
        int steps = Steps(items);
        input.Slice(0, steps * Channels).Clear();
        // Item k's vectors sit at steps 4k + 1 .. 4k + 3; the query copies one, the target is the next.
        int t = 0;
        for (int item = 0; item < items; item++)
        {
            input[t++ * Channels + Bits] = 1;
            for (int k = 0; k < ItemLength; k++, t++)
            {
                for (int j = 0; j < Bits; j++)
                    input[t * Channels + j] = random.Next(2);
            }
        }
        int query = random.Next(items - 1);
        input[t++ * Channels + Bits + 1] = 1;
        for (int k = 0; k < ItemLength; k++, t++)
        {
            input.Slice((query * (ItemLength + 1) + 1 + k) * Channels, Bits).CopyTo(input.Slice(t * Channels, Bits));
            input.Slice(((query + 1) * (ItemLength + 1) + 1 + k) * Channels, Bits).CopyTo(target.Slice(k * Bits, Bits));
        }
        input[t++ * Channels + Bits + 1] = 1;
        return t + ItemLength;
    }
}
