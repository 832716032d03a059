using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using SeqGen.Benchmarks;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Numerics;

// SeqGen's benchmark: the configurations of shared/PEERS.md (PyTorch 2.10 on this machine kind),
// timed as medians of repeated runs after warm-up. `--quick` runs a subset in well under 3 minutes.
bool quick = Array.IndexOf(args, "--quick") >= 0;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"SeqGen benchmark {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, Vector<float>.Count = {System.Numerics.Vector<float>.Count}, " +
    $"AVX-512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, threads used: 1{(quick ? ", quick mode" : "")}");
Console.WriteLine();

// ---- GEMM ----
Console.WriteLine("| GEMM float32 n x n | GFLOP/s | PyTorch MKL 1 thread | oneDNN 1 thread |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (int n in quick ? new[] { 1024 } : new[] { 1024, 4096 })
{
    var a = Fill(n * n); var b = Fill(n * n); var c = new float[n * n];
    double seconds = Median(() => Gemm.Compute<float>(false, true, n, n, n, a, n, b, n, c, n, false), n >= 4096 ? 3 : 7);
    Console.WriteLine($"| {n} | {2.0 * n * n * n / seconds / 1e9:F1} | {(n == 1024 ? "90" : "-")} | {(n == 1024 ? "163" : "165")} |");
}
Console.WriteLine();

// ---- Sequences ----
var configs = new List<(string Cell, int T, int B, int H, double TorchInference, double TorchTraining)>
{
    ("Lstm", 100, 1, 128, 0.42, 1.42), ("Lstm", 100, 1, 512, 8.2, 19.6), ("Lstm", 64, 32, 256, 12.1, 37.6),
    ("Lstm", 100, 64, 512, 138, 428), ("Lstm", 50, 16, 1024, 135, 230),
    ("Gru", 100, 1, 128, 1.54, 9.6), ("Gru", 100, 1, 512, 9.3, 42.4), ("Gru", 64, 32, 256, 23.0, 71.4),
    ("Gru", 100, 64, 512, 246, 767), ("Gru", 50, 16, 1024, 157, 530),
};
if (quick)
    configs = configs.FindAll(c => c.T * c.B * c.H <= 64 * 32 * 256);
Console.WriteLine("| cell | T | B | I=H | inference ms | PyTorch 1 thr | training ms | PyTorch 1 thr | training GFLOP/s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var config in configs)
{
    RecurrentCellBase<float> cell = config.Cell == "Lstm"
        ? new Lstm(config.H, config.H, seed: 1)
        : new Gru(config.H, config.H, seed: 1);
    var (inference, training) = TimeSequence(cell, config.T, config.B, config.H, quick);
    int gates = config.Cell == "Lstm" ? 4 : 3;
    double flops = 3.0 * 2 * config.T * config.B * gates * config.H * (2.0 * config.H);
    Console.WriteLine($"| {config.Cell} | {config.T} | {config.B} | {config.H} | {inference * 1e3:F2} | {config.TorchInference} | {training * 1e3:F2} | {config.TorchTraining} | {flops / training / 1e9:F1} |");
}
Console.WriteLine();

// ---- Custom cell next to the stock Gru ----
Console.WriteLine("| cell (T=64, B=32, I=H=256) | training ms | training GFLOP/s |");
Console.WriteLine("|---|---:|---:|");
foreach (string name in new[] { "Gru", "MinimalGatedUnit" })
{
    RecurrentCellBase<float> cell = name == "Gru" ? new Gru(256, 256, seed: 1) : new MinimalGatedUnit(256, 256, seed: 1);
    var (_, training) = TimeSequence(cell, 64, 32, 256, quick);
    int gates = name == "Gru" ? 3 : 2;
    double flops = 3.0 * 2 * 64 * 32 * gates * 256 * 512.0;
    Console.WriteLine($"| {name} | {training * 1e3:F2} | {flops / training / 1e9:F1} |");
}
Console.WriteLine();

// ---- Streaming ----
Console.WriteLine("| streaming step, B=1 | H=64 µs | H=128 µs | H=512 µs |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (string name in new[] { "Lstm", "Gru" })
{
    var row = new List<string>();
    foreach (int h in new[] { 64, 128, 512 })
    {
        RecurrentCellBase<float> cell = name == "Lstm" ? new Lstm(h, h, seed: 1) : new Gru(h, h, seed: 1);
        var stream = cell.CreateStream(1);
        Fill(h).CopyTo(stream.Input(0));
        const int calls = 2000;
        double seconds = Median(() => { for (int i = 0; i < calls; i++) cell.Step(stream); }, quick ? 5 : 9);
        row.Add((seconds / calls * 1e6).ToString("F2"));
    }
    Console.WriteLine($"| {name} (PyTorch {(name == "Lstm" ? "13.3 / 19.8 / 152" : "13.5 / 17.8 / 120")}) | {string.Join(" | ", row)} |");
}

static (double Inference, double Training) TimeSequence(RecurrentCellBase<float> cell, int steps, int batch, int size, bool quick)
{
    var ws = cell.CreateWorkspace(steps, batch);
    Fill(steps * batch * size).CopyTo(ws.Input(0));
    Fill(steps * batch * size).CopyTo(ws.OutputGradient(steps));
    int repeats = quick ? 5 : 9;
    double inference = Median(() => cell.Forward(ws, steps), repeats);
    double training = Median(() => { cell.Forward(ws, steps); cell.Backward(ws, steps); }, repeats);
    return (inference, training);
}

static double Median(Action action, int repeats)
{
    action();
    action();
    var times = new double[repeats];
    for (int r = 0; r < repeats; r++)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
    Array.Sort(times);
    return times[repeats / 2];
}

static float[] Fill(int length)
{
    var random = new SeededRandom(length);
    var values = new float[length];
    for (int i = 0; i < length; i++)
        values[i] = (float)random.NextUniform(-1, 1);
    return values;
}
