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
int threadsAt = Array.IndexOf(args, "--threads");
Gemm.MaxThreads = threadsAt >= 0 && threadsAt + 1 < args.Length ? int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture) : 1;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int peerAt = Array.IndexOf(args, "--peer");
Peer? peer = Peer.Read(peerAt >= 0 && peerAt + 1 < args.Length ? args[peerAt + 1] : null);
int threadCount = Gemm.MaxThreads;
Console.WriteLine($"SeqGen benchmark {DateTime.UtcNow:yyyy-MM-dd}, {CpuInfo.Describe()}, {Environment.ProcessorCount} cores, threads used: {threadCount}{(quick ? ", quick mode" : "")}");
Console.WriteLine(peer is null
    ? "PyTorch columns: PEERS.md's figures (another machine); pass --peer FILE.csv from ../shared/peers/torch/run bench on this one for ratios."
    : $"PyTorch columns: {peer.Source}, measured on this machine; ratio = PyTorch's time / SeqGen's (above 1: SeqGen faster).");
Console.WriteLine();

int onlyAt = Array.IndexOf(args, "--only");
if (onlyAt >= 0 && onlyAt + 1 < args.Length && args[onlyAt + 1] == "modules")
{
    int treebankAt = Array.IndexOf(args, "--sst");
    ModuleBenchmarks.Run(quick, treebankAt >= 0 && treebankAt + 1 < args.Length ? args[treebankAt + 1] : null);
    return;
}

// ---- What this machine can do at most ----
double peak = MachineCeilings.FmaGflops(Gemm.MaxThreads);
double l2 = MachineCeilings.L2ReadGigabytes(Gemm.MaxThreads);
int sweepAt = Array.IndexOf(args, "--sweep");
if (sweepAt >= 0 && sweepAt + 1 < args.Length)
{
    // The cost chart (tools/cost-sweep/run): time per step against H and T, beside PyTorch's.
    int peerSweepAt = Array.IndexOf(args, "--peer-sweep");
    Console.WriteLine($"FMA peak {peak:F1} GFLOP/s, L2 read {l2:F1} GB/s");
    CostSweep.Run(args[sweepAt + 1], peerSweepAt >= 0 && peerSweepAt + 1 < args.Length ? args[peerSweepAt + 1] : null, peak, l2);
    return;
}
double l3 = MachineCeilings.L3ReadGigabytes(Gemm.MaxThreads);
Console.WriteLine($"| machine ceiling, {Gemm.MaxThreads} thr | this machine | PEERS.md's machine |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| float32 FMA peak (register-only chains), GFLOP/s | {peak:F1} | ~{(Gemm.MaxThreads == 2 ? 330 : 165)} (oneDNN's GEMM) |");
Console.WriteLine($"| read from L2 (512 KB array), GB/s | {l2:F1} | - |");
Console.WriteLine($"| read from L3 (8 MB array), GB/s | {l3:F1} | - |");
Console.WriteLine();

// ---- GEMM ----
Console.WriteLine($"| GEMM float32 n x n | GFLOP/s | of FMA peak | PyTorch MKL {threadCount} thr | oneDNN {threadCount} thr | ratio to MKL | ratio to oneDNN |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
foreach (int n in quick ? new[] { 1024 } : new[] { 1024, 4096 })
{
    var a = Fill(n * n); var b = Fill(n * n); var c = new float[n * n];
    double seconds = Timing.Median(() => Gemm.Compute<float>(false, true, n, n, n, a, n, b, n, c, n, false), n >= 4096 ? 3 : 7, quick ? 0.2 : 1);
    bool two = threadCount == 2;
    double? mkl = peer?.Milliseconds("gemm", $"torch.mm (allocates C) {n}", threadCount), onednn = peer?.Milliseconds("gemm", $"conv2d 1x1 (oneDNN); same n^3 product {n}", threadCount);
    string Gflops(double? ms) => ms is double m ? (2.0 * n * n * n / (m / 1e3) / 1e9).ToString("F1", CultureInfo.InvariantCulture) : "-";
    Console.WriteLine(peer is null
        ? $"| {n} | {2.0 * n * n * n / seconds / 1e9:F1} | {2.0 * n * n * n / seconds / 1e9 / peak:P0} | {(n == 1024 ? (two ? "171" : "90") : "-")} | {(n == 1024 ? (two ? "322" : "163") : (two ? "304" : "165"))} | - | - |"
        : $"| {n} | {2.0 * n * n * n / seconds / 1e9:F1} | {2.0 * n * n * n / seconds / 1e9 / peak:P0} | {Gflops(mkl)} | {Gflops(onednn)} | {Peer.Ratio(mkl, seconds * 1e3)} | {Peer.Ratio(onednn, seconds * 1e3)} |");
}
Console.WriteLine();

// ---- Sequences ----
// PyTorch's ms per sequence from PEERS.md: (inference, training) with 1 thread, then with 2.
var configs = new List<(string Cell, int T, int B, int H, double[] Torch)>
{
    ("Lstm", 100, 1, 128, new[] { 0.42, 1.42, 0.89, 2.65 }), ("Lstm", 100, 1, 512, new[] { 8.2, 19.6, 5.3, 14.3 }),
    ("Lstm", 64, 32, 256, new[] { 12.1, 37.6, 7.4, 22.4 }), ("Lstm", 100, 64, 512, new[] { 138, 428, 72.7, 237.0 }),
    ("Lstm", 50, 16, 1024, new[] { 135, 230, 59.3, 124.0 }),
    ("Gru", 100, 1, 128, new[] { 1.54, 9.6, 2.31, 12.7 }), ("Gru", 100, 1, 512, new[] { 9.3, 42.4, 9.3, 64.7 }),
    ("Gru", 64, 32, 256, new[] { 23.0, 71.4, 16.0, 51.6 }), ("Gru", 100, 64, 512, new[] { 246, 767, 152, 466.0 }),
    ("Gru", 50, 16, 1024, new[] { 157, 530, 105, 338.0 }),
};
int torchColumn = Gemm.MaxThreads == 2 ? 2 : 0;
if (quick)
    configs = configs.FindAll(c => c.T * c.B * c.H <= 64 * 32 * 256);
Console.WriteLine($"| cell | T | B | I=H | inference ms | PyTorch {threadCount} thr | ratio | training ms | PyTorch {threadCount} thr | ratio | training GFLOP/s | backward / forward | inference floor ms (reached) | training floor ms (reached) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var config in configs)
{
    RecurrentCellBase<float> cell = config.Cell == "Lstm"
        ? new Lstm(config.H, config.H, seed: 1)
        : new Gru(config.H, config.H, seed: 1);
    var (inference, training) = TimeSequence(cell, config.T, config.B, config.H, quick);
    int gates = config.Cell == "Lstm" ? 4 : 3;
    double flops = 3.0 * 2 * config.T * config.B * gates * config.H * (2.0 * config.H);
    string torchName = config.Cell == "Lstm" ? "LSTM" : "GRU";
    double torchInference = peer?.Milliseconds("seq", $"{torchName} {config.T} {config.B} {config.H} {config.H} inference", threadCount) ?? config.Torch[torchColumn];
    double torchTraining = peer?.Milliseconds("seq", $"{torchName} {config.T} {config.B} {config.H} {config.H} training", threadCount) ?? config.Torch[torchColumn + 1];
    var (inferenceFloor, trainingFloor) = SequenceFloors(config.T, config.B, gates, config.H, config.H, peak, CacheSizes.L2Bytes * threadCount, l2, l3);
    Console.WriteLine($"| {config.Cell} | {config.T} | {config.B} | {config.H} | {inference * 1e3:F2} | {torchInference:G4} | {Peer.Ratio(torchInference, inference * 1e3)} | {training * 1e3:F2} | {torchTraining:G4} | {Peer.Ratio(torchTraining, training * 1e3)} | {flops / training / 1e9:F1} | {(training - inference) / inference:F2} | {inferenceFloor * 1e3:F2} ({inferenceFloor / inference:P0}) | {trainingFloor * 1e3:F2} ({trainingFloor / training:P0}) |");
}
Console.WriteLine();

// ---- Custom cell next to the stock Gru; the layer-norm LSTM next to the Lstm ----
Console.WriteLine("| cell (T=64, B=32, I=H=256) | training ms | training GFLOP/s (of its matrix products) | against |");
Console.WriteLine("|---|---:|---:|---:|");
var trainingMs = new Dictionary<string, double>();
foreach (string name in new[] { "Gru", "MinimalGatedUnit", "Lstm", "LayerNormLstm" })
{
    RecurrentCellBase<float> cell = name switch
    {
        "Gru" => new Gru(256, 256, seed: 1),
        "MinimalGatedUnit" => new MinimalGatedUnit(256, 256, seed: 1),
        "Lstm" => new Lstm(256, 256, seed: 1),
        _ => new LayerNormLstm(256, 256, seed: 1),
    };
    var (_, training) = TimeSequence(cell, 64, 32, 256, quick);
    trainingMs[name] = training * 1e3;
    int gates = name switch { "Gru" => 3, "MinimalGatedUnit" => 2, _ => 4 };
    double flops = 3.0 * 2 * 64 * 32 * gates * 256 * 512.0;
    string against = name switch
    {
        "MinimalGatedUnit" => $"GFLOP/s {flops / training / 1e9 / (3.0 * 2 * 64 * 32 * 3 * 256 * 512.0 / (trainingMs["Gru"] / 1e3) / 1e9):P0} of Gru's",
        "LayerNormLstm" => $"time {trainingMs[name] / trainingMs["Lstm"]:F2}x Lstm's",
        _ => "",
    };
    Console.WriteLine($"| {name} | {training * 1e3:F2} | {flops / training / 1e9:F1} | {against} |");
}
Console.WriteLine();

// ---- Streaming ----
long l2Bytes = CacheSizes.L2Bytes;
Console.WriteLine($"| streaming step, B=1 (floor: the weights read from L2 while they fit in its {l2Bytes / 1024} KB, else from L3) | H=64 µs | H=128 µs | H=512 µs |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (string name in new[] { "Lstm", "Gru" })
{
    var row = new List<string>();
    foreach (int h in new[] { 64, 128, 512 })
    {
        RecurrentCellBase<float> cell = name == "Lstm" ? new Lstm(h, h, seed: 1) : new Gru(h, h, seed: 1);
        // Every step reads all the weights: at best at the L2 read rate while they fit in L2, at
        // the L3 rate beyond (H = 512: 8 MB), where the L2 floor cannot be reached.
        long weightBytes = (long)cell.Parameters.Length * sizeof(float);
        bool inL2 = weightBytes <= l2Bytes;
        double floor = weightBytes / ((inL2 ? l2 : l3) * 1e9) * 1e6;
        var stream = cell.CreateStream(1);
        Fill(h).CopyTo(stream.Input(0));
        const int calls = 2000;
        double seconds = Timing.Median(() => { for (int i = 0; i < calls; i++) cell.Step(stream); }, quick ? 5 : 9, quick ? 0.1 : 1);
        row.Add($"{seconds / calls * 1e6:F2} ({(inL2 ? "L2" : "L3")} floor {floor:F2})");
    }
    string torchCell = name == "Lstm" ? "LSTMCell" : "GRUCell";
    string torch = peer is null
        ? (name == "Lstm" ? "13.3 / 19.8 / 152" : "13.5 / 17.8 / 120")
        : string.Join(" / ", Array.ConvertAll(new[] { 64, 128, 512 }, h => peer.Milliseconds("cell", $"{torchCell} {h}", threadCount) is double ms ? (ms * 1e3).ToString("F1", CultureInfo.InvariantCulture) : "-"));
    Console.WriteLine($"| {name} (PyTorch {torch} µs) | {string.Join(" | ", row)} |");
}

// The least time a layer's pass can take on this machine, gates and copies aside: the input
// products over all steps at the FMA peak, then every step both its recurrent product's FLOPs at
// the peak and its recurrent weights (gates x H x H floats) read at the rate of the cache they fit
// in (the threads' L2s together, else L3), whichever is longer, since a step needs the one before.
// Training adds the backward: the same per step (dh from dgates through the weights), and the
// weight and input gradients' products over all steps at the peak. At B = 1 the weights' reads
// bound it, so no kernel reaches a multiple of PyTorch's speed that would put it below this.
static (double Inference, double Training) SequenceFloors(int steps, int batch, int gates, int input, int size,
    double peakGflops, long cacheBytes, double l2Gigabytes, double l3Gigabytes)
{
    double hoisted = 2.0 * steps * batch * gates * size * input / (peakGflops * 1e9);
    double weightBytes = 4.0 * gates * size * size;
    double read = weightBytes / ((weightBytes <= cacheBytes ? l2Gigabytes : l3Gigabytes) * 1e9);
    double step = Math.Max(2.0 * batch * gates * size * size / (peakGflops * 1e9), read);
    double inference = hoisted + steps * step;
    double gradients = (2.0 * hoisted) + 2.0 * steps * batch * gates * size * size / (peakGflops * 1e9);
    return (inference, inference + steps * step + gradients);
}

static (double Inference, double Training) TimeSequence(RecurrentCellBase<float> cell, int steps, int batch, int size, bool quick)
{
    var ws = cell.CreateWorkspace(steps, batch);
    Fill(steps * batch * size).CopyTo(ws.Input(0));
    Fill(steps * batch * size).CopyTo(ws.OutputGradient(steps));
    int repeats = quick ? 5 : 9;
    double inference = Timing.Median(() => cell.Forward(ws, steps), repeats, quick ? 0.2 : 1.5);
    double training = Timing.Median(() => { cell.Forward(ws, steps); cell.Backward(ws, steps); }, repeats, quick ? 0.2 : 1.5);
    return (inference, training);
}

static float[] Fill(int length)
{
    var random = new SeededRandom(length);
    var values = new float[length];
    for (int i = 0; i < length; i++)
        values[i] = (float)random.NextUniform(-1, 1);
    return values;
}
