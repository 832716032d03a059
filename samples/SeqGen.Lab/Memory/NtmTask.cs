using System;

namespace SeqGen.Lab;

/// <summary>One generated episode: <see cref="Steps"/> input steps; the machine answers from <see cref="OutputFrom"/> to the end.</summary>
internal readonly record struct NtmEpisode(int Steps, int OutputFrom)
{
    public int OutputSteps => Steps - OutputFrom;
}

/// <summary>
/// A task of the Neural Turing Machine paper, generated from a seed: it writes an episode's inputs
/// [steps, <see cref="Inputs"/>] and the targets of its output steps [output steps, <see cref="Outputs"/>]
/// (binary). <see cref="NtmLab"/> trains the machine and the LSTM baseline on any of them the same way.
/// </summary>
internal abstract class NtmTask
{
    public abstract string Name { get; }

    /// <summary>What is learned and on which range, for chart titles: "copy, lengths 1–20".</summary>
    public abstract string Title { get; }

    /// <summary>The episodes of the generalisation test, never trained on: "lengths 30–40".</summary>
    public abstract string Longer { get; }

    /// <summary>One sentence of how an episode is laid out, for the report.</summary>
    public abstract string Layout { get; }

    public abstract int Inputs { get; }
    public abstract int Outputs { get; }
    public abstract int MaxSteps { get; }
    public abstract int LongerMaxSteps { get; }
    public abstract int DefaultEpisodes { get; }

    /// <summary>A training episode (or, with <paramref name="longer"/>, a generalisation one).</summary>
    public abstract NtmEpisode Next(Random random, bool longer, Span<float> input, Span<float> target);

    /// <summary>The episode whose read and write weightings the lab draws.</summary>
    public abstract NtmEpisode Example(Span<float> input, Span<float> target);

    public static readonly string[] Names = ["copy", "repeat-copy", "recall"];

    public static NtmTask Create(string name) => name switch
    {
        "copy" => new CopyTask(),
        "repeat-copy" => new RepeatCopyTask(),
        "recall" => new RecallTask(),
        _ => throw new ArgumentException($"--ntm-task '{name}' is not one of {string.Join(", ", Names)}."),
    };
}
