using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace SeqGen.Benchmarks;

/// <summary>
/// PyTorch's figures for this machine: the CSV that <c>../shared/peers/torch/run bench</c> wrote
/// just before (<c>section,key,threads,median_ms,…</c>), so every row can print the ratio measured
/// side by side. Without a file the tables fall back to PEERS.md's figures from another machine.
/// </summary>
internal sealed class Peer
{
    private readonly Dictionary<(string Section, string Key, int Threads), double> _median = new();

    public string Source { get; }

    private Peer(string source) => Source = source;

    public static Peer? Read(string? path)
    {
        if (path is null)
            return null;
        if (!File.Exists(path))
            throw new FileNotFoundException($"--peer: no file at '{path}'.", path);
        var peer = new Peer(path);
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
            throw new InvalidDataException($"--peer: '{path}' is empty.");
        string[] header = lines[0].Split(',');
        int section = Array.IndexOf(header, "section"), key = Array.IndexOf(header, "key"), threads = Array.IndexOf(header, "threads"), median = Array.IndexOf(header, "median_ms");
        if (section < 0 || key < 0 || threads < 0 || median < 0)
            throw new InvalidDataException($"--peer: '{path}' has no section, key, threads and median_ms columns; is it the CSV of ../shared/peers/torch/run bench?");
        for (int i = 1; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split(',');
            if (fields.Length <= Math.Max(Math.Max(section, key), Math.Max(threads, median)))
                continue;
            if (int.TryParse(fields[threads], NumberStyles.Integer, CultureInfo.InvariantCulture, out int t)
                && double.TryParse(fields[median], NumberStyles.Float, CultureInfo.InvariantCulture, out double ms))
                peer._median[(fields[section], fields[key], t)] = ms;
        }
        return peer;
    }

    /// <summary>PyTorch's median in ms, or null when the file has no such row.</summary>
    public double? Milliseconds(string section, string key, int threads) =>
        _median.TryGetValue((section, key, threads), out double ms) ? ms : null;

    /// <summary>PyTorch's time over SeqGen's ("1.35x": SeqGen faster above 1), or "-" without a figure.</summary>
    public static string Ratio(double? torchMilliseconds, double seqgenMilliseconds) =>
        torchMilliseconds is double torch ? (torch / seqgenMilliseconds).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";
}

/// <summary>The CPU the benchmark runs on, as the tables' header names it.</summary>
internal static class CpuInfo
{
    public static string Describe()
    {
        string vendor = "?", family = "?", model = "?", name = "?";
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                string Value() => line.Substring(line.IndexOf(':') + 1).Trim();
                if (line.StartsWith("vendor_id", StringComparison.Ordinal)) vendor = Value();
                else if (line.StartsWith("cpu family", StringComparison.Ordinal)) family = Value();
                else if (line.StartsWith("model name", StringComparison.Ordinal)) name = Value();
                else if (line.StartsWith("model", StringComparison.Ordinal)) model = Value();
                else if (line.Length == 0) break;
            }
        }
        catch (IOException)
        {
        }
        string isa = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "no AVX2";
        return $"{name} ({vendor}, family {family}, model {model}), {isa}, Vector<float>.Count = {System.Numerics.Vector<float>.Count}";
    }
}
