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
/// The Neural Turing Machine's copy task as the paper sets it: a sequence of 1–20 random 8-bit
/// vectors, then a delimiter on a ninth channel, then as many blank steps in which the machine
/// must write the sequence back. Memory 128 × 20, LSTM controller 100, one read and one write head,
/// one sequence per step, RMSprop 1e-4 (momentum 0.9, α 0.95) with gradients clamped to [−10, 10]
/// (as the popular PyTorch implementation). The cost is reported two ways: cross-entropy in bits
/// per sequence, and wrong bits per sequence after thresholding the outputs at ½.
/// </summary>
internal static class CopyTask
{
    internal const int Bits = 8, Slots = 128, Width = 20, Controller = 100, MaxLength = 20, Report = 1000;

    public sealed record RunResult(string Model, int Seed, List<(int Sequences, double Bits, double WrongBits)> Curve, double HeldOutWrongBits, double LongWrongBits, double LongBitErrors, double Seconds);

    internal const int LongFrom = 30, LongTo = 40;

    public static int Run(int sequences, int seeds, bool feedForward, string output)
    {
        Directory.CreateDirectory(output);
        var results = new List<RunResult>();
        for (int seed = 1; seed <= seeds; seed++)
            results.Add(Train(seed, sequences, feedForward, seed == 1 ? Path.Combine(output, "ntm-copy-weightings.png") : null));
        results.Add(LstmBaseline.Train(1, sequences));
        var report = new StringBuilder();
        report.AppendLine("# Neural Turing Machine: copy");
        report.AppendLine();
        report.AppendLine($"8-bit vectors, lengths 1–{MaxLength}, memory {Slots} × {Width}, {(feedForward ? "feed-forward" : "LSTM")} controller {Controller}, one read and one write head, one sequence per step, RMSprop 1e-4 (momentum 0.9, α 0.95), gradients clamped to [−10, 10], {sequences} training sequences. Cost: cross-entropy in bits per sequence and wrong bits per sequence after thresholding, means over each {Report} training sequences; held out: 500 fresh sequences of 1–{MaxLength} and 200 of {LongFrom}–{LongTo} (never trained on). Baseline: an LSTM of {LstmBaseline.Hidden} on the same sequences, optimiser and budget.");
        report.AppendLine();
        report.AppendLine($"| model | seed | bits per sequence (last 1000) | wrong bits per sequence (last 1000) | held-out wrong bits, 1–{MaxLength} | {LongFrom}–{LongTo}: wrong bits per sequence | {LongFrom}–{LongTo}: share of bits wrong | first 1000 below 0.1 wrong bits, at | seconds |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (RunResult r in results)
        {
            var (_, bits, wrong) = r.Curve[^1];
            int solved = r.Curve.FindIndex(c => c.WrongBits < 0.1);
            report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Model} | {r.Seed} | {bits:F2} | {wrong:F3} | {r.HeldOutWrongBits:F3} | {r.LongWrongBits:F1} | {100 * r.LongBitErrors:F1} % | {(solved < 0 ? "-" : r.Curve[solved].Sequences.ToString(CultureInfo.InvariantCulture))} | {r.Seconds:F0} |"));
        }
        report.AppendLine();
        report.AppendLine("![learning curves](ntm-copy-curve.png) ![read and write weightings](ntm-copy-weightings.png)");
        string path = Path.Combine(output, "ntm-copy.md");
        File.WriteAllText(path, report.ToString());
        NtmCharts.LearningCurves(results, Path.Combine(output, "ntm-copy-curve.png"));
        Console.Write(report);
        Console.WriteLine($"Wrote {path}, ntm-copy-curve.png and ntm-copy-weightings.png.");
        return 0;
    }

    // One copy sequence of the given length: inputs [2L + 1, 1, 9], targets for the last L steps.
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

    private static RunResult Train(int seed, int sequences, bool feedForward, string? weightingsChart)
    {
        SeqGen.Model.RecurrentCellBase<float> controller = feedForward
            ? new FeedForwardController(Bits + 1 + Width, Controller, seed: seed)
            : new Lstm(Bits + 1 + Width, Controller, seed: seed);
        var ntm = new NeuralTuringMachine<float>(controller, Bits + 1, Bits, Slots, Width, seed: seed + 1);
        var optimizer = new RmsProp<float>(ntm, learningRate: 1e-4, alpha: 0.95, momentum: 0.9);
        var ws = ntm.CreateWorkspace(2 * MaxLength + 1, 1);
        var random = new Random(seed);
        var target = new float[MaxLength * Bits];
        var gradient = new float[MaxLength * Bits];
        var curve = new List<(int, double, double)>();
        var clock = Stopwatch.StartNew();
        double bits = 0, wrong = 0;
        EpochBars.Run($"NTM copy seed {seed}", sequences / Report, Report, (chunk, progress) =>
        {
            bits = 0;
            wrong = 0;
            for (int i = 0; i < Report; i++)
            {
                int length = random.Next(1, MaxLength + 1), steps = 2 * length + 1;
                Sequence(random, length, ws.Input, target);
                ntm.Forward(ws, steps);
                var (sequenceBits, sequenceWrong) = Cost(ws.Logits, ws.LogitGradient, length, target, gradient);
                bits += sequenceBits;
                wrong += sequenceWrong;
                ntm.ZeroGradients();
                ntm.Backward(ws);
                GradientClipping.ByValue(ntm, 10);
                optimizer.Step();
                if (i % 50 == 0)
                    progress(i + 1);
            }
            bits /= Report;
            wrong /= Report;
            curve.Add((chunk * Report, bits, wrong));
            return string.Create(CultureInfo.InvariantCulture, $"NTM copy seed {seed}, {chunk * Report} sequences: {bits:F2} bits and {wrong:F3} wrong bits per sequence");
        });
        double seconds = clock.Elapsed.TotalSeconds;
        var held = new Random(seed + 500);
        var longWs = ntm.CreateWorkspace(2 * LongTo + 1, 1);
        var longTarget = new float[LongTo * Bits];
        var longGradient = new float[LongTo * Bits];
        double Evaluate(NtmWorkspace<float> workspace, int count, int from, int to, float[] targets, float[] gradients, out double bitErrors)
        {
            double wrongBits = 0, totalBits = 0;
            for (int i = 0; i < count; i++)
            {
                int length = held.Next(from, to + 1);
                Sequence(held, length, workspace.Input, targets);
                ntm.Forward(workspace, 2 * length + 1);
                wrongBits += Cost(workspace.Logits, workspace.LogitGradient, length, targets, gradients).Wrong;
                totalBits += length * Bits;
            }
            bitErrors = wrongBits / totalBits;
            return wrongBits / count;
        }
        double heldWrong = Evaluate(ws, 500, 1, MaxLength, target, gradient, out _);
        double longWrong = Evaluate(longWs, 200, LongFrom, LongTo, longTarget, longGradient, out double longErrors);
        if (weightingsChart is not null)
        {
            Sequence(new Random(7), MaxLength, ws.Input, target);
            ntm.Forward(ws, 2 * MaxLength + 1);
            NtmCharts.Weightings(ws, 2 * MaxLength + 1, $"seed {seed}, a sequence of {MaxLength}", weightingsChart);
        }
        return new RunResult(feedForward ? "NTM, feed-forward controller" : "NTM", seed, curve, heldWrong, longWrong, longErrors, seconds);
    }

    // Cross-entropy (bits) and wrong bits of the output steps of one sequence's logits [steps, 8];
    // writes the logits' gradient (of the mean BCE over the output bits, as the PyTorch implementation trains).
    internal static (double Bits, double Wrong) Cost(ReadOnlySpan<float> allLogits, Span<float> logitGradient, int length, ReadOnlySpan<float> target, Span<float> gradient) =>
        Cost(allLogits, logitGradient, (length + 1) * Bits, length * Bits, target, gradient);

    // The same over any run of output logits [outputStart, outputStart + count).
    internal static (double Bits, double Wrong) Cost(ReadOnlySpan<float> allLogits, Span<float> logitGradient, int outputStart, int count, ReadOnlySpan<float> target, Span<float> gradient)
    {
        ReadOnlySpan<float> logits = allLogits.Slice(outputStart, count);
        logitGradient.Clear();
        double mean = double.CreateChecked(Losses.SigmoidBinaryCrossEntropy<float>(logits, target.Slice(0, count), gradient.Slice(0, count)));
        gradient.Slice(0, count).CopyTo(logitGradient.Slice(outputStart, count));
        int wrong = 0;
        for (int i = 0; i < count; i++)
            wrong += (logits[i] > 0 ? 1 : 0) != (int)target[i] ? 1 : 0;
        return (mean * count / Math.Log(2), wrong);
    }
}
