using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>What a stopped or finished run leaves beside its checkpoint: the options it ran with, its curve so far and, once done, its result.</summary>
internal sealed class SavedRun
{
    public string Options { get; set; } = "";
    public bool Done { get; set; }
    public int[] Steps { get; set; } = [];
    public double[] Losses { get; set; } = [];
    public int? SolvedAt { get; set; }
    public double[] NormsAtInit { get; set; } = [];
    public double[] NormsTrained { get; set; } = [];
    public double Seconds { get; set; }

    public IEnumerable<(int, double)> Curve()
    {
        for (int i = 0; i < Steps.Length; i++)
            yield return (Steps[i], Losses[i]);
    }

    public TrainingResult ToResult(string name, ISequenceTask task, TrainingOptions options)
    {
        var curve = new List<(int, double)>(Curve());
        double final = curve[^1].Item2;
        return new TrainingResult(name, task.Name, task.Length, final, task.Baseline, final < Trainer.SolvedFraction * task.Baseline, SolvedAt,
            TimeSpan.FromSeconds(Seconds), curve, NormsAtInit, NormsTrained, options.Seed);
    }
}

/// <summary>
/// Where the lab's default runs keep what Ctrl+C interrupts: per run (cell, task, length) a
/// checkpoint and a <see cref="SavedRun"/>, so <c>--resume</c> continues exactly where it stopped.
/// </summary>
internal sealed class ResumableRun(string folder, bool resume, CancellationToken token)
{
    public bool Resume { get; } = resume;

    public CancellationToken Token { get; } = token;

    private string Stem(string name, string task, int length)
    {
        var key = new StringBuilder();
        foreach (char c in $"{name}-{task}-T{length}")
            key.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_');
        return Path.Combine(folder, key.ToString());
    }

    /// <summary>The saved state of this run, or null when there is none; an error when it was made with other options.</summary>
    public SavedRun? Read(string name, ISequenceTask task, TrainingOptions options)
    {
        string path = Stem(name, task.Name, task.Length) + ".json";
        if (!File.Exists(path))
            return null;
        SavedRun saved = SavedJson.Read<SavedRun>(path);
        if (saved.Options != options.ToString())
            throw new ArgumentException($"--resume: {name} at T = {task.Length} was saved with {saved.Options}; this run has {options}. Rerun with the same options, or without --resume.");
        if (!saved.Done && !File.Exists(Stem(name, task.Name, task.Length) + ".ckpt"))
            throw new InvalidDataException($"--resume: {path} has no checkpoint beside it.");
        return saved;
    }

    /// <summary>Loads the run's checkpoint into the model, optimizer and data source; returns the last step it had done.</summary>
    public long Restore(string name, ISequenceTask task, Module<float> model, Optimizer<float> optimizer, SeededRandom random) =>
        Checkpoint.Load(Stem(name, task.Name, task.Length) + ".ckpt", model, optimizer, random);

    public void Save(TrainingResult result, TrainingOptions options, Module<float> model, Optimizer<float> optimizer, SeededRandom random)
    {
        Directory.CreateDirectory(folder);
        string stem = Stem(result.Cell, result.Task, result.Length);
        if (result.InterruptedAt is int step)
            Checkpoint.Save(stem + ".ckpt", model, optimizer, random, step);
        else if (File.Exists(stem + ".ckpt"))
            File.Delete(stem + ".ckpt");
        var saved = new SavedRun
        {
            Options = options.ToString(),
            Done = result.InterruptedAt is null,
            Steps = result.Curve.ConvertAll(c => c.Step).ToArray(),
            Losses = result.Curve.ConvertAll(c => c.Loss).ToArray(),
            SolvedAt = result.StepsToSolve,
            NormsAtInit = result.NormsAtInit,
            NormsTrained = result.NormsTrained,
            Seconds = result.Time.TotalSeconds,
        };
        SavedJson.Write(stem + ".json", saved);
    }
}

/// <summary>The lab's saved-run files: JSON written whole and then renamed (a second interruption never leaves half a file), read back with a clear error.</summary>
internal static class SavedJson
{
    // Progress holds NaN (a score with nothing to score) and infinity (no validation loss yet).
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Write<T>(string path, T value)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, Options));
        File.Move(temporary, path, overwrite: true);
    }

    public static T Read<T>(string path) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"--resume: {path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"--resume: {path} is not a saved run: {e.Message}", e);
        }
    }
}
