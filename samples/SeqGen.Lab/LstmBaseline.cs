using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>The copy task's baseline: an LSTM without external memory, same sequences, optimiser and budget as the machine.</summary>
internal static class LstmBaseline
{
    public const int Hidden = 256;
    private const int Bits = CopyTask.Bits, Capacity = 2 * CopyTask.LongTo + 1;

    public static CopyTask.RunResult Train(int seed, int sequences)
    {
        var stack = new RecurrentStack<float>((layer, direction, input) => new Lstm(input, Hidden, seed: seed), inputSize: Bits + 1, layers: 1);
        var head = new Linear<float>(Hidden, Bits, seed: seed + 1);
        var model = new ModuleDict<float> { ["lstm"] = stack, ["head"] = head };
        var optimizer = new RmsProp<float>(model, learningRate: 1e-4, alpha: 0.95, momentum: 0.9);
        var ws = stack.CreateWorkspace(Capacity, 1);
        var logits = new float[Capacity * Bits];
        var logitGradient = new float[Capacity * Bits];
        var target = new float[CopyTask.LongTo * Bits];
        var gradient = new float[CopyTask.LongTo * Bits];
        var random = new Random(seed);
        var curve = new List<(int, double, double)>();
        var clock = Stopwatch.StartNew();
        (double Bits, double Wrong) Run(Random source, int length, bool learn)
        {
            int steps = 2 * length + 1;
            CopyTask.Sequence(source, length, ws.Input, target);
            stack.Forward(ws, steps);
            head.Forward(ws.Output(steps), logits.AsSpan(0, steps * Bits), steps);
            var cost = CopyTask.Cost(logits.AsSpan(0, steps * Bits), logitGradient.AsSpan(0, steps * Bits), length, target, gradient);
            if (!learn)
                return cost;
            model.ZeroGradients();
            head.Backward(ws.Output(steps), logitGradient.AsSpan(0, steps * Bits), ws.OutputGradient(steps), steps);
            stack.Backward(ws, steps);
            GradientClipping.ByValue(model, 10);
            optimizer.Step();
            return cost;
        }
        EpochBars.Run($"LSTM {Hidden} copy seed {seed}", sequences / CopyTask.Report, CopyTask.Report, (chunk, progress) =>
        {
            double bits = 0, wrong = 0;
            for (int i = 0; i < CopyTask.Report; i++)
            {
                var (b, w) = Run(random, random.Next(1, CopyTask.MaxLength + 1), learn: true);
                bits += b;
                wrong += w;
                if (i % 50 == 0)
                    progress(i + 1);
            }
            curve.Add((chunk * CopyTask.Report, bits / CopyTask.Report, wrong / CopyTask.Report));
            return string.Create(CultureInfo.InvariantCulture, $"LSTM copy seed {seed}, {chunk * CopyTask.Report} sequences: {bits / CopyTask.Report:F2} bits and {wrong / CopyTask.Report:F3} wrong bits per sequence");
        });
        double seconds = clock.Elapsed.TotalSeconds;
        var held = new Random(seed + 500);
        double heldWrong = 0, longWrong = 0, longBits = 0;
        for (int i = 0; i < 500; i++)
            heldWrong += Run(held, held.Next(1, CopyTask.MaxLength + 1), learn: false).Wrong / 500;
        for (int i = 0; i < 200; i++)
        {
            int length = held.Next(CopyTask.LongFrom, CopyTask.LongTo + 1);
            longWrong += Run(held, length, learn: false).Wrong;
            longBits += length * Bits;
        }
        return new CopyTask.RunResult($"LSTM {Hidden}", seed, curve, heldWrong, longWrong / 200, longWrong / longBits, seconds);
    }
}
