using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace SeqGen.Lab;

/// <summary>
/// Trains the Neural Turing Machine on one of the paper's tasks over several seeds, and an LSTM
/// baseline on the same episodes and budget; one episode per step. The cost is reported two ways:
/// cross-entropy in bits per episode, and wrong bits per episode after thresholding at ½. Writes
/// ntm-TASK.md, the learning curves and, for the first seed, the heads' weightings on one episode.
/// </summary>
internal static class NtmLab
{
    public const int Report = 1000, HeldOut = 500, HeldOutLonger = 200;

    public sealed record RunResult(string Model, int Seed, List<(int Episodes, double Bits, double WrongBits)> Curve,
        double HeldOutWrongBits, double HeldOutExact, double LongerWrongBits, double LongerBitErrors, double LongerExact, double Seconds)
    {
        public int SolvedAt => Curve.FindIndex(c => c.WrongBits < 0.1) is int i and >= 0 ? Curve[i].Episodes : -1;
    }

    public static int Run(NtmTask task, int episodes, int seeds, bool feedForward, bool baseline, string output, CancellationToken token = default, bool resume = false)
    {
        var resumption = new Resumption(Path.Combine(output, "checkpoints"), resume, token);
        Directory.CreateDirectory(output);
        string stem = $"ntm-{task.Name}";
        var results = new List<RunResult>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            var ntm = new NtmLearner(task, seed, feedForward);
            if (Train(task, ntm, seed, episodes, resumption) is not RunResult result)
                return Interrupted(output);
            results.Add(result);
            if (seed == 1)
            {
                NtmEpisode example = task.Example(ntm.Input(false), new float[task.MaxSteps * task.Outputs]);
                ntm.Run(example, longer: false, new float[task.MaxSteps * task.Outputs], learn: false);
                ntm.Save(Path.Combine(output, $"{stem}.safetensors"));
                NtmCharts.Weightings(ntm.Workspace, example.Steps, $"NTM {task.Name}, seed {seed}, {example.Steps} steps", Path.Combine(output, $"{stem}-weightings.png"));
            }
        }
        if (baseline)
        {
            if (Train(task, new LstmLearner(task, 1), 1, episodes, resumption) is not RunResult result)
                return Interrupted(output);
            results.Add(result);
        }
        var report = new StringBuilder();
        report.AppendLine($"# Neural Turing Machine: {task.Title}");
        report.AppendLine();
        report.AppendLine($"Each episode: {task.Layout}. Memory {NtmLearner.Slots} × {NtmLearner.Width}, {(feedForward ? "feed-forward" : "LSTM")} controller {NtmLearner.Controller}, one read and one write head, one episode per step, RMSprop 1e-4 (momentum 0.9, α 0.95), gradients clamped to [−10, 10], {episodes} training episodes per seed. Cost: cross-entropy in bits per episode and wrong bits per episode after thresholding at ½, means over each {Report} training episodes. Held out: {HeldOut} fresh episodes like the training ones and {HeldOutLonger} of {task.Longer}, never trained on.{(baseline ? $" Baseline: an LSTM of {LstmLearner.Hidden} with a linear read-out on the same episodes, optimiser and budget." : "")}");
        report.AppendLine();
        report.AppendLine($"| model | seed | bits per episode (last {Report}) | wrong bits per episode (last {Report}) | first {Report} below 0.1 wrong bits, at | held out: wrong bits per episode | held out: answered exactly | {task.Longer}: wrong bits per episode | {task.Longer}: share of bits wrong | {task.Longer}: answered exactly | seconds |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (RunResult r in results)
        {
            var (_, bits, wrong) = r.Curve[^1];
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Model} | {r.Seed} | {bits:F2} | {wrong:F3} | {(r.SolvedAt < 0 ? "-" : r.SolvedAt.ToString(CultureInfo.InvariantCulture))} | {r.HeldOutWrongBits:F3} | {100 * r.HeldOutExact:F1} % | {r.LongerWrongBits:F2} | {100 * r.LongerBitErrors:F1} % | {100 * r.LongerExact:F1} % | {r.Seconds:F0} |"));
        }
        report.AppendLine();
        report.AppendLine($"![learning curves]({stem}-curve.png) ![read and write weightings]({stem}-weightings.png)");
        string path = Path.Combine(output, $"{stem}.md");
        File.WriteAllText(path, report.ToString());
        NtmCharts.LearningCurves(results, task.Title, Path.Combine(output, $"{stem}-curve.png"));
        Console.Write(report);
        Console.WriteLine($"Wrote {path}, {stem}-curve.png, {stem}-weightings.png and seed 1's machine, {stem}.safetensors.");
        return 0;
    }

    private static int Interrupted(string output)
    {
        Console.WriteLine($"Interrupted: saved the run in {Path.Combine(output, "checkpoints")} (finished seeds are kept); rerun with the same options and --resume to continue exactly.");
        return 130;
    }

    /// <summary>What a stopped or finished run leaves beside its checkpoint.</summary>
    private sealed class SavedProgress
    {
        public bool Done { get; set; }
        public int Episodes { get; set; }
        public int Planned { get; set; }
        public int[] CurveEpisodes { get; set; } = [];
        public double[] CurveBits { get; set; } = [];
        public double[] CurveWrong { get; set; } = [];
        public double ChunkBits { get; set; }
        public double ChunkWrong { get; set; }
        public double Seconds { get; set; }
    }

    // Null when the token stopped it (the run is then saved under the folder, to resume exactly).
    internal static RunResult? Train(NtmTask task, EpisodeLearner learner, int seed, int episodes, Resumption? resumption = null)
    {
        var random = new Random(seed);
        var target = new float[task.LongerMaxSteps * task.Outputs];
        var curve = new List<(int, double, double)>();
        int done = 0;
        double bits = 0, wrong = 0, earlier = 0;
        bool finished = false;
        string key = $"ntm-{task.Name}-{learner.Model}-seed{seed}".Replace(' ', '_').Replace(',', '_');
        string? checkpoint = resumption is null ? null : Path.Combine(resumption.Folder, key + ".ckpt");
        string? progressPath = resumption is null ? null : Path.Combine(resumption.Folder, key + ".json");
        if (resumption is { Resume: true } && File.Exists(progressPath))
        {
            SavedProgress saved = SavedJson.Read<SavedProgress>(progressPath!);
            if (saved.Planned != episodes)
                throw new ArgumentException($"--resume: {learner.Model} seed {seed} was started for {saved.Planned} episodes; this run asks for {episodes}.");
            done = (int)learner.Restore(checkpoint!);
            // Replaying the episode stream brings the generator to where the stopped run left it.
            for (int i = 0; i < done; i++)
                task.Next(random, longer: false, learner.Input(false), target);
            for (int i = 0; i < saved.CurveEpisodes.Length; i++)
                curve.Add((saved.CurveEpisodes[i], saved.CurveBits[i], saved.CurveWrong[i]));
            (bits, wrong, earlier, finished) = (saved.ChunkBits, saved.ChunkWrong, saved.Seconds, saved.Done);
        }
        var clock = Stopwatch.StartNew();
        void Save(bool complete)
        {
            if (resumption is null)
                return;
            Directory.CreateDirectory(resumption.Folder);
            learner.Checkpoint(checkpoint!, done);
            var progress = new SavedProgress
            {
                Done = complete, Episodes = done, Planned = episodes, ChunkBits = bits, ChunkWrong = wrong, Seconds = earlier + clock.Elapsed.TotalSeconds,
                CurveEpisodes = curve.ConvertAll(c => c.Item1).ToArray(), CurveBits = curve.ConvertAll(c => c.Item2).ToArray(), CurveWrong = curve.ConvertAll(c => c.Item3).ToArray(),
            };
            SavedJson.Write(progressPath!, progress);
        }
        if (!finished)
        {
            try
            {
                EpochBars.Run($"{learner.Model} {task.Name} seed {seed}", episodes / Report, Report, (chunk, progress) =>
                {
                    for (int i = done - (chunk - 1) * Report; i < Report; i++)
                    {
                        if (resumption is not null && resumption.StopBefore(done))
                        {
                            Save(complete: false);
                            throw new RunStopped();
                        }
                        NtmEpisode episode = task.Next(random, longer: false, learner.Input(false), target);
                        var (b, w) = learner.Run(episode, longer: false, target, learn: true);
                        bits += b;
                        wrong += w;
                        done++;
                        if (i % 50 == 0)
                            progress(i + 1);
                    }
                    if (curve.Count < chunk)
                    {
                        curve.Add((chunk * Report, bits / Report, wrong / Report));
                        bits = wrong = 0;
                    }
                    var (_, chunkBits, chunkWrong) = curve[chunk - 1];
                    return string.Create(CultureInfo.InvariantCulture, $"{learner.Model} {task.Name} seed {seed}, {chunk * Report} episodes: {chunkBits:F2} bits and {chunkWrong:F3} wrong bits per episode");
                });
            }
            catch (RunStopped)
            {
                return null;
            }
            Save(complete: true);
        }
        double seconds = earlier + clock.Elapsed.TotalSeconds;
        var held = new Random(seed + 500);
        (double Wrong, double BitErrors, double Exact) Evaluate(int count, bool longer)
        {
            double wrongBits = 0, totalBits = 0;
            int exact = 0;
            for (int i = 0; i < count; i++)
            {
                NtmEpisode episode = task.Next(held, longer, learner.Input(longer), target);
                double wrong = learner.Run(episode, longer, target, learn: false).Wrong;
                wrongBits += wrong;
                totalBits += episode.OutputSteps * task.Outputs;
                exact += wrong == 0 ? 1 : 0;
            }
            return (wrongBits / count, wrongBits / totalBits, (double)exact / count);
        }
        var (heldWrong, _, heldExact) = Evaluate(HeldOut, longer: false);
        var (longWrong, longErrors, longExact) = Evaluate(HeldOutLonger, longer: true);
        return new RunResult(learner.Model, seed, curve, heldWrong, heldExact, longWrong, longErrors, longExact, seconds);
    }
}
