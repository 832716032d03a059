using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.Modules;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>
/// The Neural Turing Machine's associative recall (Graves et al. 2014): 2–6 items of three 6-bit
/// vectors, each item opened by a delimiter on channel 7; then a query item between delimiters on
/// channel 8; the machine must output the item that followed the query in the list. Same machine,
/// optimiser and clamping as the copy task.
/// </summary>
internal static class RecallTask
{
    private const int Bits = 6, Channels = Bits + 2, ItemLength = 3, MinItems = 2, MaxItems = 6, Report = 1000;
    private const int MaxSteps = MaxItems * (ItemLength + 1) + 2 * (ItemLength + 1) + ItemLength;

    // One episode: returns the steps; input [steps, 8], the target item [3 × 6] is output over the last 3 steps.
    internal static int Episode(Random random, int items, Span<float> input, Span<float> target)
    {
        int steps = items * (ItemLength + 1) + 2 + 2 * ItemLength;
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

    public static int Run(int sequences, int seeds, string output)
    {
        var report = new StringBuilder();
        report.AppendLine("# Neural Turing Machine: associative recall");
        report.AppendLine();
        report.AppendLine($"{MinItems}–{MaxItems} items of {ItemLength} {Bits}-bit vectors, a query item, the next item as the answer; memory 128 × 20, LSTM controller 100, one read and one write head, one episode per step, RMSprop 1e-4 (momentum 0.9, α 0.95), gradients clamped to [−10, 10], {sequences} training episodes; held out: 500 fresh episodes.");
        report.AppendLine();
        report.AppendLine("| seed | wrong bits per episode (last 1000) | held-out wrong bits per episode | held-out episodes answered exactly | first 1000 below 0.1 wrong bits, at | seconds |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        for (int seed = 1; seed <= seeds; seed++)
        {
            var ntm = new NeuralTuringMachine<float>(new Lstm(Channels + 20, 100, seed: seed), Channels, Bits, 128, 20, seed: seed + 1);
            var optimizer = new RmsProp<float>(ntm, learningRate: 1e-4, alpha: 0.95, momentum: 0.9);
            var ws = ntm.CreateWorkspace(MaxSteps, 1);
            var random = new Random(seed);
            var target = new float[ItemLength * Bits];
            var gradient = new float[ItemLength * Bits];
            var curve = new List<double>();
            var clock = Stopwatch.StartNew();
            (double, double) Step(Random source, bool learn)
            {
                int steps = Episode(source, source.Next(MinItems, MaxItems + 1), ws.Input, target);
                ntm.Forward(ws, steps);
                var cost = CopyTask.Cost(ws.Logits, ws.LogitGradient, (steps - ItemLength) * Bits, ItemLength * Bits, target, gradient);
                if (learn)
                {
                    ntm.ZeroGradients();
                    ntm.Backward(ws);
                    GradientClipping.ByValue(ntm, 10);
                    optimizer.Step();
                }
                return cost;
            }
            EpochBars.Run($"NTM recall seed {seed}", sequences / Report, Report, (chunk, progress) =>
            {
                double wrong = 0;
                for (int i = 0; i < Report; i++)
                {
                    wrong += Step(random, learn: true).Item2;
                    if (i % 50 == 0)
                        progress(i + 1);
                }
                curve.Add(wrong / Report);
                return string.Create(CultureInfo.InvariantCulture, $"NTM recall seed {seed}, {chunk * Report} episodes: {wrong / Report:F3} wrong bits per episode");
            });
            double seconds = clock.Elapsed.TotalSeconds;
            var held = new Random(seed + 500);
            double heldWrong = 0;
            int exact = 0;
            for (int i = 0; i < 500; i++)
            {
                double w = Step(held, learn: false).Item2;
                heldWrong += w / 500;
                exact += w == 0 ? 1 : 0;
            }
            int solved = curve.FindIndex(c => c < 0.1);
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {seed} | {curve[^1]:F3} | {heldWrong:F3} | {100.0 * exact / 500:F1} % | {(solved < 0 ? "-" : ((solved + 1) * Report).ToString(CultureInfo.InvariantCulture))} | {seconds:F0} |"));
        }
        Directory.CreateDirectory(output);
        string path = Path.Combine(output, "ntm-recall.md");
        File.WriteAllText(path, report.ToString());
        Console.Write(report);
        Console.WriteLine($"Wrote {path}.");
        return 0;
    }
}
