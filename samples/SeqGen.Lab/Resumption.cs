using System;
using System.IO;
using System.Threading;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>Where a run is saved when the token stops it, and whether to continue saved runs; <paramref name="StopAt"/> stops a run after that many steps as the token would (tests).</summary>
internal sealed record Resumption(string Folder, bool Resume, CancellationToken Token, int StopAt = int.MaxValue)
{
    public bool StopBefore(long done) => Token.IsCancellationRequested || done >= StopAt;
}

/// <summary>Thrown inside a training loop once its run is saved, to leave the loop (and its progress bars) at once.</summary>
internal sealed class RunStopped : Exception
{
}

/// <summary>What a stopped or finished step-by-step run keeps beside its checkpoint: the options it ran with, the steps done and the run's own progress.</summary>
internal sealed class SavedSteps<TProgress> where TProgress : class, new()
{
    public string Options { get; set; } = "";
    public bool Done { get; set; }
    public long Steps { get; set; }
    public TProgress Progress { get; set; } = new();

    private static string Stem(Resumption resumption, string key) => Path.Combine(resumption.Folder, key);

    /// <summary>
    /// With --resume and a saved run under <paramref name="key"/>: restores the model, optimizer
    /// and random source to it and returns it; otherwise null. An error when the run was saved
    /// with other options.
    /// </summary>
    public static SavedSteps<TProgress>? Restore(Resumption? resumption, string key, string options, Module<float> model, Optimizer<float> optimizer, SeededRandom? random = null)
    {
        if (resumption is not { Resume: true } || !File.Exists(Stem(resumption, key) + ".json"))
            return null;
        var saved = SavedJson.Read<SavedSteps<TProgress>>(Stem(resumption, key) + ".json");
        if (saved.Options != options)
            throw new ArgumentException($"--resume: {key} was saved with {saved.Options}; this run has {options}. Rerun with the same options, or without --resume.");
        long steps = Checkpoint.Load(Stem(resumption, key) + ".ckpt", model, optimizer, random);
        if (steps != saved.Steps)
            throw new InvalidDataException($"--resume: {key}'s checkpoint is at step {steps}, its progress at {saved.Steps}.");
        return saved;
    }

    /// <summary>Writes the checkpoint and then the progress (a run is resumable once both are written).</summary>
    public static void Save(Resumption? resumption, string key, string options, Module<float> model, Optimizer<float> optimizer, SeededRandom? random, long steps, bool done, TProgress progress)
    {
        if (resumption is null)
            return;
        Directory.CreateDirectory(resumption.Folder);
        Checkpoint.Save(Stem(resumption, key) + ".ckpt", model, optimizer, random, steps);
        SavedJson.Write(Stem(resumption, key) + ".json", new SavedSteps<TProgress> { Options = options, Done = done, Steps = steps, Progress = progress });
    }
}
