using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

// PyTorch's side of SeqGen's cost chart: nn.LSTM inference (forward under no_grad, I = H, zero
// initial state) at the points of the sweep, timed as the peer benchmark times it (warm-up,
// then at least 5 repetitions and 1 s, median). Built beside the peer's NativeFix and
// MallocTuning by ./run, which also runs SeqGen's side and draws the chart.
//   TorchSweep THREADS OUT.csv
namespace TorchPeer;

internal static class TorchSweep
{
    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: TorchSweep THREADS OUT.csv");
            return 2;
        }
        int threads = int.Parse(args[0], CultureInfo.InvariantCulture);
        NativeFix.EnsureLibTorchSharpLoadable(verbose: false);
        Console.WriteLine(MallocTuning.Apply());
        torch.set_num_threads(threads);
        var lines = new List<string> { "engine,threads,B,T,H,ms,ms_per_step" };
        foreach (var (b, t, h) in Points())
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(1);
            using var lstm = nn.LSTM(h, h);
            var x = torch.randn(t, b, h);
            double ms;
            using (torch.no_grad())
                ms = MedianMs(() => lstm.forward(x).Item1);
            Console.WriteLine($"PyTorch LSTM B={b} T={t} H={h}: {ms:F3} ms, {ms / t * 1e3:F2} us per step");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"PyTorch,{threads},{b},{t},{h},{ms:F4},{ms / t:F6}"));
        }
        File.WriteAllLines(args[1], lines);
        return 0;
    }

    // The same points as SeqGen's --sweep: H at T = 50, T at H = 256, each at B = 1 and 32.
    private static IEnumerable<(int B, int T, int H)> Points()
    {
        foreach (int b in new[] { 1, 32 })
        {
            foreach (int h in new[] { 64, 128, 256, 512, 1024, 2048 })
                yield return (b, 50, h);
            foreach (int t in new[] { 10, 30, 100, 300, 1000 })
                yield return (b, t, 256);
        }
    }

    private static double MedianMs(Func<Tensor> body)
    {
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 3 || warm.Elapsed.TotalSeconds < 0.3; w++)
        {
            using var s = torch.NewDisposeScope();
            body();
        }
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || (total.Elapsed.TotalSeconds < 1 && times.Count < 1000))
        {
            using var s = torch.NewDisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            body();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        times.Sort();
        return times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[times.Count / 2 - 1] + times[times.Count / 2]);
    }
}
