using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using ScottPlot;
using SeqGen.Cells;
using SeqGen.Models;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>
/// Sequence to sequence with attention on generated tasks, one character per token: reversing and
/// sorting digit strings (trained on lengths 1–20, evaluated on held-out strings of 1–20 and of
/// 21–30), and normalising dates written several ways ("3 March 2016", "03/03/16", ...) to
/// "2016-03-03". Each task trains the same encoder–decoder with additive attention and without it
/// (the context fixed to the encoder's summary) on the same budget; reported: exact-sequence
/// accuracy of greedy decoding.
/// </summary>
internal static class TranslationTask
{
    private const int Batch = 32, Embedding = 32, EncoderHidden = 64, DecoderHidden = 128, MaxLength = 30, TrainLength = 20;
    private const string Begin = "^", End = "$";

    internal static readonly string[] Tasks = { "reverse", "sort", "dates" };

    private static readonly string[] Months = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December" };

    public sealed record RunResult(string Task, string Model, double Short, double Long, double Seconds, List<double> Curve);

    /// <summary>A (source, target) pair of the task.</summary>
    internal static (string Source, string Target) Example(string task, Random random, int minLength, int maxLength)
    {
        if (task == "dates")
            return Date(random);
        var digits = new char[random.Next(minLength, maxLength + 1)];
        for (int i = 0; i < digits.Length; i++)
            digits[i] = (char)('0' + random.Next(10));
        var target = (char[])digits.Clone();
        if (task == "reverse")
            Array.Reverse(target);
        else
            Array.Sort(target);
        return (new string(digits), new string(target));
    }

    private static (string, string) Date(Random random)
    {
        var date = new DateTime(1950, 1, 1).AddDays(random.Next(36525));
        string month = Months[date.Month - 1];
        string source = random.Next(6) switch
        {
            0 => $"{date.Day} {month} {date.Year}",
            1 => $"{date.Day:00}/{date.Month:00}/{date.Year % 100:00}",
            2 => $"{month} {date.Day}, {date.Year}",
            3 => $"{date.Day} {month[..3]} {date.Year}",
            4 => $"{date.Year}.{date.Month:00}.{date.Day:00}",
            _ => $"{date.DayOfWeek}, {date.Day} {month[..3]} {date.Year % 100:00}",
        };
        return (source, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static int Run(IReadOnlyList<string> tasks, int steps, int seed, string output, Resumption? resumption = null)
    {
        var results = new List<RunResult>();
        Directory.CreateDirectory(output);
        foreach (string task in tasks)
        {
            foreach (bool attention in new[] { true, false })
            {
                if (Train(task, attention, steps, seed, output, resumption) is not RunResult result)
                    return Interrupted(results, output, resumption!);
                results.Add(result);
            }
        }
        var report = new StringBuilder();
        report.AppendLine("# Sequence to sequence: what attention buys");
        report.AppendLine();
        report.AppendLine($"Character tokens; bidirectional GRU encoder {EncoderHidden} per direction, embeddings {Embedding}, AttentionGru decoder {DecoderHidden} from tanh(W_s h←_1), output over [s; c]; Adam with the rate decayed from 3e-3 to 3e-4 (cosine), batch {Batch}, clip norm 5, {steps} steps, seed {seed}; training strings of 1–{TrainLength} digits (dates as generated); exact-sequence accuracy of greedy decoding on 1,000 held-out examples of 1–{TrainLength} and 500 of {TrainLength + 1}–{MaxLength} (dates: one held-out set). Without attention the context is fixed to [h→ at the last position; h←_1].");
        report.AppendLine();
        report.AppendLine($"| task | model | exact, 1–{TrainLength} | exact, {TrainLength + 1}–{MaxLength} | seconds |");
        report.AppendLine("|---|---|---:|---:|---:|");
        foreach (RunResult r in results)
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Task} | {r.Model} | {100 * r.Short:F1} % | {(double.IsNaN(r.Long) ? "-" : $"{100 * r.Long:F1} %")} | {r.Seconds:F0} |"));
        report.AppendLine();
        foreach (string task in tasks)
            report.AppendLine($"![{task}: attention weights](seq2seq-{task}-attention.png)");
        string path = Path.Combine(output, "seq2seq.md");
        File.WriteAllText(path, report.ToString());
        Console.Write(report);
        Console.WriteLine($"Wrote {path}, the attention heatmaps and the trained attention models (seq2seq-TASK.safetensors, for seqgen-infer --seq2seq).");
        return 0;
    }

    private static int Interrupted(List<RunResult> results, string output, Resumption resumption)
    {
        var partial = new StringBuilder("# Interrupted\n\nThe runs finished so far; rerun with the same options and --resume to continue exactly.\n\n| task | model | exact, short | exact, long |\n|---|---|---:|---:|\n");
        foreach (RunResult r in results)
            partial.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Task} | {r.Model} | {100 * r.Short:F1} % | {(double.IsNaN(r.Long) ? "-" : $"{100 * r.Long:F1} %")} |"));
        File.WriteAllText(Path.Combine(output, "seq2seq.md"), partial.ToString());
        Console.WriteLine($"Interrupted: saved the run in {resumption.Folder} and the finished runs in {Path.Combine(output, "seq2seq.md")}; rerun with the same options and --resume to continue exactly.");
        return 130;
    }

    /// <summary>What a stopped sequence-to-sequence run needs besides its checkpoint.</summary>
    internal sealed class Progress
    {
        public List<double> Curve { get; set; } = new();
        public List<double> TrainLosses { get; set; } = new();
        public double ChunkLoss { get; set; }
        public double Seconds { get; set; }
    }

    // Null when the resumption's token stopped it (saved under its folder, to resume exactly).
    internal static RunResult? Train(string task, bool attention, int steps, int seed, string output, Resumption? resumption = null)
    {
        Directory.CreateDirectory(output);
        var random = new Random(seed);
        var held = new Random(seed + 1000);
        var sourceVocabulary = new Dictionary<char, int>();
        var targetVocabulary = new Dictionary<char, int> { [Begin[0]] = 0, [End[0]] = 1 };
        // Every character the generators can write, so held-out strings meet no unknown one.
        foreach (char c in "0123456789 ,./-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        {
            sourceVocabulary[c] = sourceVocabulary.Count;
            targetVocabulary.TryAdd(c, targetVocabulary.Count);
        }
        int[] Encode(string text, Dictionary<char, int> vocabulary)
        {
            var ids = new int[text.Length];
            for (int i = 0; i < text.Length; i++)
                ids[i] = vocabulary[text[i]];
            return ids;
        }
        var encoder = new RecurrentStack<float>((layer, direction, input) => new Gru(input, EncoderHidden, seed: seed + 10 * layer + direction), inputSize: Embedding, layers: 1, bidirectional: true);
        var decoder = new AttentionGru(ySize: Embedding, ctxSize: 2 * EncoderHidden, hiddenSize: DecoderHidden, seed: seed + 5);
        var model = new Seq2Seq<float>(sourceVocabulary.Count, targetVocabulary.Count, Embedding, encoder, decoder, 0, 1, attention ? AttentionScore.Additive : null, seed: seed + 7);
        var adam = new Adam<float>(model, learningRate: 3e-3);
        var ws = model.CreateWorkspace(MaxLength, MaxLength, Batch);
        var shortSet = new List<(string, string)>();
        var longSet = new List<(string, string)>();
        for (int i = 0; i < 1000; i++)
            shortSet.Add(Example(task, held, 1, TrainLength));
        if (task != "dates")
        {
            for (int i = 0; i < 500; i++)
                longSet.Add(Example(task, held, TrainLength + 1, MaxLength));
        }
        double Accuracy(List<(string Source, string Target)> set)
        {
            if (set.Count == 0)
                return double.NaN;
            var decode = model.CreateWorkspace(MaxLength, MaxLength, 100);
            int right = 0;
            for (int start = 0; start < set.Count; start += 100)
            {
                var sources = new List<int[]>();
                int count = Math.Min(100, set.Count - start);
                for (int i = 0; i < count; i++)
                    sources.Add(Encode(set[start + i].Source, sourceVocabulary));
                List<int[]> decoded = model.Greedy(decode, sources, MaxLength);
                for (int i = 0; i < count; i++)
                    right += decoded[i].AsSpan().SequenceEqual(Encode(set[start + i].Target, targetVocabulary)) ? 1 : 0;
            }
            return (double)right / set.Count;
        }
        string name = attention ? "attention" : "no attention";
        const int Chunks = 10;
        string key = $"seq2seq-{task}-{(attention ? "attention" : "plain")}-seed{seed}";
        string options = $"steps {steps}";
        var saved = SavedSteps<Progress>.Restore(resumption, key, options, model, adam);
        Progress run = saved?.Progress ?? new Progress();
        int done = (int)(saved?.Steps ?? 0);
        // Replaying the example stream brings the generator to where the stopped run left it.
        for (int i = 0; i < done * Batch; i++)
            Example(task, random, 1, TrainLength);
        List<double> curve = run.Curve;
        var clock = Stopwatch.StartNew();
        var sourcesBatch = new List<int[]>(Batch);
        var targetsBatch = new List<int[]>(Batch);
        void Save(bool complete)
        {
            run.Seconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            SavedSteps<Progress>.Save(resumption, key, options, model, adam, null, done, complete, run);
        }
        try
        {
            EpochBars.Run($"{task}, {name}", Chunks, steps / Chunks, (chunk, progress) =>
            {
                int count = steps / Chunks;
                for (int step = done - (chunk - 1) * count; step < count; step++)
                {
                    if (resumption is not null && resumption.StopBefore(done))
                    {
                        Save(complete: false);
                        throw new RunStopped();
                    }
                    sourcesBatch.Clear();
                    targetsBatch.Clear();
                    for (int b = 0; b < Batch; b++)
                    {
                        var (source, target) = Example(task, random, 1, TrainLength);
                        sourcesBatch.Add(Encode(source, sourceVocabulary));
                        targetsBatch.Add(Encode(target, targetVocabulary));
                    }
                    // Cosine decay from 3e-3 to 3e-4: at a constant rate late spikes undid what was learned.
                    double progressed = (double)((chunk - 1) * count + step) / (Chunks * count);
                    adam.LearningRate = 3e-4 + 0.5 * (3e-3 - 3e-4) * (1 + Math.Cos(Math.PI * progressed));
                    run.ChunkLoss += double.CreateChecked(model.Forward(ws, sourcesBatch, targetsBatch));
                    model.ZeroGradients();
                    model.Backward(ws);
                    GradientClipping.ByGlobalNorm(model, 5);
                    adam.Step();
                    done++;
                    progress(step + 1);
                }
                if (curve.Count < chunk)
                {
                    curve.Add(Accuracy(shortSet.GetRange(0, 200)));
                    run.TrainLosses.Add(run.ChunkLoss / count);
                    run.ChunkLoss = 0;
                }
                return string.Create(CultureInfo.InvariantCulture, $"{task}, {name}, step {chunk * count}: train loss {run.TrainLosses[chunk - 1]:F4}, exact on 200 held-out {100 * curve[chunk - 1]:F1} %");
            });
        }
        catch (RunStopped)
        {
            return null;
        }
        Save(complete: true);
        double seconds = run.Seconds;
        double shortAccuracy = Accuracy(shortSet), longAccuracy = Accuracy(longSet);
        if (attention)
        {
            Heatmaps(model, task, shortSet, sourceVocabulary, targetVocabulary, Path.Combine(output, $"seq2seq-{task}-attention.png"));
            // What seqgen-infer --seq2seq needs to rebuild the model and read and write text.
            var metadata = new Dictionary<string, string>
            {
                ["model"] = "seq2seq",
                ["encoder_cell"] = "Gru",
                ["decoder_cell"] = "AttentionGru",
                ["embedding"] = Embedding.ToString(CultureInfo.InvariantCulture),
                ["encoder_hidden"] = EncoderHidden.ToString(CultureInfo.InvariantCulture),
                ["decoder_hidden"] = DecoderHidden.ToString(CultureInfo.InvariantCulture),
                ["score"] = "additive",
                ["source_vocabulary"] = Characters(sourceVocabulary),
                ["target_vocabulary"] = Characters(targetVocabulary),
                ["begin"] = "0",
                ["end"] = "1",
                ["max_length"] = MaxLength.ToString(CultureInfo.InvariantCulture),
            };
            SeqGen.IO.Weights.Save(Path.Combine(output, $"seq2seq-{task}.safetensors"), model, metadata);
        }
        return new RunResult(task, name, shortAccuracy, longAccuracy, seconds, curve);
    }

    // The characters in id order.
    private static string Characters(Dictionary<char, int> vocabulary)
    {
        var characters = new char[vocabulary.Count];
        foreach (var (c, id) in vocabulary)
            characters[id] = c;
        return new string(characters);
    }

    // The attention weights of greedy decoding for three held-out examples, side by side: source
    // characters across, output characters down.
    private static void Heatmaps(Seq2Seq<float> model, string task, List<(string Source, string Target)> set,
        Dictionary<char, int> sourceVocabulary, Dictionary<char, int> targetVocabulary, string path)
    {
        var names = new Dictionary<int, char>();
        foreach (var (c, id) in targetVocabulary)
            names[id] = c;
        var multiplot = new Multiplot();
        multiplot.AddPlots(3);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var examples = new List<(string Source, string Target)>();
        foreach (var example in set)
        {
            if (example.Source.Length >= 8 && examples.Count < 3)
                examples.Add(example);
        }
        for (int e = 0; e < examples.Count; e++)
        {
            string source = examples[e].Source;
            var ids = new int[source.Length];
            for (int i = 0; i < ids.Length; i++)
                ids[i] = sourceVocabulary[source[i]];
            var ws = model.CreateWorkspace(MaxLength, MaxLength, 1);
            int[] decoded = model.Greedy(ws, new[] { ids }, MaxLength)[0];
            int rows = decoded.Length + 1;
            var weights = new double[rows, source.Length];
            for (int t = 0; t < rows; t++)
            {
                ReadOnlySpan<float> alpha = model.Attention!.Weights(ws.AttentionWorkspace!, t);
                for (int j = 0; j < source.Length; j++)
                    weights[t, j] = alpha[j];
            }
            Plot plot = multiplot.GetPlot(e);
            var heatmap = plot.Add.Heatmap(weights);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            var sourceTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int j = 0; j < source.Length; j++)
                sourceTicks.AddMajor(j, source[j].ToString());
            plot.Axes.Bottom.TickGenerator = sourceTicks;
            var outputTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int t = 0; t < rows; t++)
                outputTicks.AddMajor(rows - 1 - t, t < decoded.Length ? names[decoded[t]].ToString() : "end");
            plot.Axes.Left.TickGenerator = outputTicks;
            plot.Title($"\"{source}\"");
            plot.XLabel("source");
            plot.YLabel("output");
        }
        multiplot.SavePng(path, 1500, 520);
    }
}
