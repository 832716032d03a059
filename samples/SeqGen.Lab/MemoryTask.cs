using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using SeqGen.IO;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>
/// The lecture's explicit memory: an end-to-end memory network on bAbI task 1, trained as
/// Sukhbaatar et al. 2015 and their code do (3 hops, d = 20, memory of the last 50 sentences,
/// position and temporal encoding, 10 % random noise, adjacent tying; batch 32, SGD at 0.01 halved
/// every 25 epochs, 100 epochs, gradient norm clipped at 40, 10 % of training held out; linear
/// start at 0.005 until the validation loss stops falling, at most 20 epochs (the paper's rule,
/// with the authors' code's length as the cap). Each training size runs several seeds; the run
/// with the lowest training error is the one reported as selected, as the paper.
/// </summary>
internal static class MemoryTask
{
    private const int Epochs = 100, BatchSize = 32, LinearStartEpochs = 20;

    public sealed record RunResult(int Seed, double TrainError, double ValidationError, double TestError, TimeSpan Time);

    public static int Run(string folder, int task, int runs, int epochs, string output, Resumption? resumption = null)
    {
        string train = TaskFile(folder, task, "train"), test = TaskFile(folder, task, "test");
        var (vocabulary, all) = Babi.ReadTraining(train);
        List<BabiExample> testExamples = vocabulary.Read(test);
        int sentenceLength = 1;
        foreach (var examples in new[] { all, testExamples })
        {
            foreach (BabiExample example in examples)
            {
                sentenceLength = Math.Max(sentenceLength, example.Question.Length);
                foreach (int[] sentence in example.Story)
                    sentenceLength = Math.Max(sentenceLength, sentence.Length);
            }
        }
        var report = new StringBuilder();
        report.AppendLine($"# bAbI task {task} ({Path.GetFileName(train)}): end-to-end memory network");
        report.AppendLine();
        report.AppendLine($"Vocabulary {vocabulary.Words.Count} words, sentences of at most {sentenceLength}; {all.Count} training and {testExamples.Count} test questions.");
        report.AppendLine($"Protocol: 3 hops, d = 20, memory 50, position encoding (paper), temporal encoding, 10 % random noise, adjacent tying; batch {BatchSize}, SGD 0.01 halved every 25 epochs, {epochs} epochs, clip norm 40, linear start at 0.005 until the validation loss stops falling (at most {LinearStartEpochs} epochs), then the schedule from its start; the last 10 % of the training questions held out. {runs} seeds per size; selected = lowest training error (the paper's rule).");
        report.AppendLine();
        report.AppendLine("| training questions | seed | train error | validation error | test error | time |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        var summary = new List<string>();
        MemoryNetwork<float>? shown = null;
        foreach (int size in new[] { 1000, all.Count })
        {
            List<BabiExample> subset = all.GetRange(0, Math.Min(size, all.Count));
            int held = subset.Count / 10;
            List<BabiExample> training = subset.GetRange(0, subset.Count - held), validation = subset.GetRange(subset.Count - held, held);
            var results = new List<RunResult>();
            RunResult? best = null;
            for (int seed = 1; seed <= runs; seed++)
            {
                var network = new MemoryNetwork<float>(vocabulary.Words.Count, sentenceLength, dimension: 20, hops: 3, memorySize: 50, seed: seed);
                if (Train(network, training, validation, seed, epochs, resumption, $"babi-qa{task}-{subset.Count}-seed{seed}") is not double seconds)
                {
                    File.WriteAllText(Path.Combine(output, "babi.md"), report.ToString() + "\nInterrupted; rerun with the same options and --resume to continue exactly.\n");
                    Console.WriteLine($"Interrupted: saved the run in {resumption!.Folder} and the finished seeds in {Path.Combine(output, "babi.md")}; rerun with the same options and --resume to continue exactly.");
                    return 130;
                }
                var result = new RunResult(seed, Error(network, training), Error(network, validation), Error(network, testExamples), TimeSpan.FromSeconds(seconds));
                results.Add(result);
                Console.WriteLine($"bAbI {task}, {subset.Count} questions, seed {seed}: train error {100 * result.TrainError:F1} %, validation {100 * result.ValidationError:F1} %, test {100 * result.TestError:F1} %, {result.Time.TotalSeconds:F1} s");
                report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {subset.Count} | {seed} | {100 * result.TrainError:F1} % | {100 * result.ValidationError:F1} % | {100 * result.TestError:F1} % | {result.Time.TotalSeconds:F1} s |"));
                if (best is null || result.TrainError < best.TrainError)
                {
                    best = result;
                    if (size == 1000)
                        shown = network;
                }
            }
            double mean = 0;
            foreach (RunResult r in results)
                mean += r.TestError / results.Count;
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"- {subset.Count} training questions: test error {100 * mean:F1} % mean over {runs} seeds; selected (seed {best!.Seed}, lowest training error) {100 * best.TestError:F1} %."));
        }
        report.AppendLine();
        report.AppendLine("Results (target: test error below 1 % at 1k and 10k; published 0.0 % with PE LS RN):");
        foreach (string line in summary)
            report.AppendLine(line);
        report.AppendLine();
        report.AppendLine("## What each hop read (the selected 1k model, the first test questions)");
        AppendAttention(report, shown!, testExamples, vocabulary);
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, "babi.md");
        File.WriteAllText(path, report.ToString());
        foreach (string line in summary)
            Console.WriteLine(line);
        Console.WriteLine($"Wrote {path}");
        return 0;
    }

    private static string TaskFile(string folder, int task, string part)
    {
        string[] found = Directory.Exists(folder) ? Directory.GetFiles(folder, $"qa{task}_*_{part}.txt") : Array.Empty<string>();
        if (found.Length != 1)
            throw new FileNotFoundException($"--babi: {folder} must hold exactly one qa{task}_*_{part}.txt (bAbI task {task}'s {part} file); it is missing.");
        return found[0];
    }

    /// <summary>
    /// Linear start (no softmax in the hops) at 0.005 while the validation loss falls, at most 20
    /// epochs; then <paramref name="epochs"/> epochs at 0.01 halved every 25. Returns the seconds
    /// it trained, or null when the resumption's token stopped it (saved under
    /// <paramref name="key"/>, to resume exactly).
    /// </summary>
    public static double? Train(MemoryNetwork<float> network, List<BabiExample> training, List<BabiExample> validation, int seed, int epochs, Resumption? resumption = null, string key = "babi")
    {
        var sgd = new Sgd<float>(network, learningRate: 0.01);
        var ws = network.CreateWorkspace(BatchSize);
        var random = new SeededRandom(seed);
        string options = $"epochs {epochs}, {training.Count} training questions";
        var saved = SavedSteps<Position>.Restore(resumption, key, options, network, sgd, random);
        Position at = saved?.Progress ?? new Position { Order = new int[training.Count], LastValidation = double.PositiveInfinity };
        long steps = saved?.Steps ?? 0;
        int[] order = at.Order;
        if (saved is null)
        {
            for (int i = 0; i < order.Length; i++)
                order[i] = i;
        }
        var shuffled = new List<BabiExample>(training);
        void Arrange()
        {
            for (int i = 0; i < order.Length; i++)
                shuffled[i] = training[order[i]];
        }
        // A run stopped inside an epoch resumes in the order it had drawn.
        if (at.Start > 0)
            Arrange();
        network.LinearStart = saved?.Progress.LinearStart ?? true;
        var clock = Stopwatch.StartNew();
        for (; at.Epoch < epochs && saved is not { Done: true }; at.Epoch++)
        {
            double rate = network.LinearStart ? 0.005 : 0.01 * Math.Pow(0.5, at.Epoch / 25);
            for (; at.Start < shuffled.Count; at.Start += BatchSize)
            {
                if (resumption is not null && resumption.StopBefore(steps))
                {
                    at.LinearStart = network.LinearStart;
                    at.Seconds += clock.Elapsed.TotalSeconds;
                    SavedSteps<Position>.Save(resumption, key, options, network, sgd, random, steps, done: false, at);
                    return null;
                }
                // Shuffled after the check, so a run stopped between epochs has not drawn the next order.
                if (at.Start == 0)
                {
                    for (int i = order.Length - 1; i > 0; i--)
                    {
                        int j = (int)(random.NextUInt64() % (ulong)(i + 1));
                        (order[i], order[j]) = (order[j], order[i]);
                    }
                    Arrange();
                }
                int start = at.Start;
                int count = Math.Min(BatchSize, shuffled.Count - start);
                ws.Load(shuffled, start, count, noise: 0.1, random: random);
                network.Forward(ws);
                network.ZeroGradients();
                network.Backward(ws);
                // The paper's loss is the sum over the batch, ours the mean: the same step is
                // count times our rate, and its clip at norm 40 is a clip at 40 / count of ours.
                GradientClipping.ByGlobalNorm(network, 40.0 / count);
                sgd.LearningRate = rate * count;
                sgd.Step();
                steps++;
            }
            at.Start = 0;
            if (network.LinearStart)
            {
                double loss = Loss(network, validation);
                at.Linear++;
                if (loss >= at.LastValidation || at.Linear == LinearStartEpochs)
                {
                    network.LinearStart = false;
                    at.Epoch = -1; // the schedule starts over with the softmax
                }
                at.LastValidation = loss;
            }
        }
        network.LinearStart = false;
        at.LinearStart = false;
        if (saved is not { Done: true })
            at.Seconds += clock.Elapsed.TotalSeconds;
        SavedSteps<Position>.Save(resumption, key, options, network, sgd, random, steps, done: true, at);
        return at.Seconds;
    }

    /// <summary>Where a memory network's training stands: the epoch, the first question of the next batch in the epoch's order, and the linear start's state.</summary>
    internal sealed class Position
    {
        public int Epoch { get; set; }
        public int Start { get; set; }
        public int[] Order { get; set; } = [];
        public bool LinearStart { get; set; }
        public double LastValidation { get; set; }
        public int Linear { get; set; }
        public double Seconds { get; set; }
    }

    private static double Loss(MemoryNetwork<float> network, List<BabiExample> examples)
    {
        var ws = network.CreateWorkspace(BatchSize);
        double sum = 0;
        for (int start = 0; start < examples.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, examples.Count - start);
            ws.Load(examples, start, count);
            sum += network.Forward(ws) * count;
        }
        return examples.Count == 0 ? 0 : sum / examples.Count;
    }

    public static double Error(MemoryNetwork<float> network, List<BabiExample> examples)
    {
        if (examples.Count == 0)
            return 0;
        var ws = network.CreateWorkspace(BatchSize);
        int wrong = 0;
        for (int start = 0; start < examples.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, examples.Count - start);
            ws.Load(examples, start, count);
            ReadOnlySpan<float> logits = network.Predict(ws);
            for (int b = 0; b < count; b++)
            {
                if (Metrics.ArgMax(logits.Slice(b * network.Vocabulary, network.Vocabulary)) != examples[start + b].Answer)
                    wrong++;
            }
        }
        return (double)wrong / examples.Count;
    }

    private static void AppendAttention(StringBuilder report, MemoryNetwork<float> network, List<BabiExample> examples, Babi vocabulary)
    {
        var ws = network.CreateWorkspace(3);
        ws.Load(examples, 0, 3);
        ReadOnlySpan<float> logits = network.Predict(ws);
        for (int b = 0; b < 3; b++)
        {
            BabiExample example = examples[b];
            int answer = Metrics.ArgMax(logits.Slice(b * network.Vocabulary, network.Vocabulary));
            report.AppendLine();
            report.AppendLine($"Q: {Text(example.Question, vocabulary)}? answer {vocabulary.Words[answer]} (true: {vocabulary.Words[example.Answer]})");
            report.AppendLine();
            report.AppendLine("| sentence | supporting | hop 1 | hop 2 | hop 3 |");
            report.AppendLine("|---|:---:|---:|---:|---:|");
            for (int i = 0; i < ws.Slots(b); i++)
            {
                int s = example.Story.Length - 1 - i;
                report.Append($"| {Text(example.Story[s], vocabulary)} | {(Array.IndexOf(example.Supporting, s) >= 0 ? "yes" : "")} |");
                for (int hop = 0; hop < network.Hops; hop++)
                    report.Append(string.Create(CultureInfo.InvariantCulture, $" {ws.Attention(hop, b)[i]:F2} |"));
                report.AppendLine();
            }
        }
    }

    private static string Text(int[] words, Babi vocabulary)
    {
        var parts = new string[words.Length];
        for (int i = 0; i < words.Length; i++)
            parts[i] = vocabulary.Words[words[i]];
        return string.Join(' ', parts);
    }
}
