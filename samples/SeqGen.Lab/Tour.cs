using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using SeqGen.Cells;
using SeqGen.Model;

namespace SeqGen.Lab;

/// <summary>
/// The lecture's remedies for long-range dependencies, one section each, on the same task, length,
/// budget and seed: leaky units (μ fixed at several values, and learned), skip connections in time
/// (several d), and the gated cells (GRU in both forms, LSTM and its peephole and coupled variants).
/// Each section writes its table, its chart and a sentence of what it shows; tour.md collects them.
/// </summary>
internal static class Tour
{
    internal sealed record Section(string Name, string Title, string Shows, (string Cell, Func<int, int, int, RecurrentCellBase<float>> Create)[] Cells);

    private static Func<int, int, int, RecurrentCellBase<float>> Leaky(double mu) => (i, h, s) =>
    {
        var cell = new LeakyRnn(i, h, s);
        cell.Parameter("mu").Fill((float)mu);
        return cell;
    };

    public static readonly Section[] Sections =
    [
        new("leaky", "Leaky units: how long μ remembers",
            "h' = μ h + (1 − μ) tanh(…): with μ near 1 a unit keeps most of its past each step (its memory spans about 1/(1 − μ) steps), near 0 it forgets at once; a learned μ per unit can choose.",
            [("LeakyRnn μ=0.5", Leaky(0.5)), ("LeakyRnn μ=0.9", Leaky(0.9)), ("LeakyRnn μ=0.99", Leaky(0.99)), ("LearnedLeakyRnn", (i, h, s) => new LearnedLeakyRnn(i, h, s))]),
        new("skip", "Skip connections in time: the gradient's shorter path",
            "h' = tanh(W x + U h + S h[t−d] + b): the state d steps back feeds the new one directly, so a gradient crosses T steps in about T/d products instead of T.",
            [("ElmanRnn", (i, h, s) => new ElmanRnn(i, h, s)), ("SkipRnn d=4", (i, h, s) => new SkipRnn(i, h, s)), ("SkipRnn d=10", (i, h, s) => new SkipRnn10(i, h, s)), ("SkipRnn d=25", (i, h, s) => new SkipRnn25(i, h, s))]),
        new("gated", "Gated cells: GRU against LSTM and its variants",
            "Gates decide per unit and per step what to keep, so the gradient along the kept state is not multiplied down; the variants differ in how the gates see the cell state (peepholes) and whether forgetting and writing are one decision (coupled).",
            [("Gru", (i, h, s) => new Gru(i, h, s)), ("ChoGru", (i, h, s) => new ChoGru(i, h, s)), ("Lstm", (i, h, s) => new Lstm(i, h, s)),
             ("PeepholeLstm", (i, h, s) => new PeepholeLstm(i, h, s)), ("DiagonalPeepholeLstm", (i, h, s) => new DiagonalPeepholeLstm(i, h, s)), ("CoupledLstm", (i, h, s) => new CoupledLstm(i, h, s))]),
    ];

    public static int Run(ISequenceTask task, TrainingOptions options, ICollection<string>? only, string folder, ResumableRun? saved = null)
    {
        Directory.CreateDirectory(folder);
        var report = new StringBuilder();
        report.AppendLine($"# The lecture's remedies, one run each: {task.Name}, T = {task.Length}, seed {options.Seed}");
        report.AppendLine();
        report.AppendLine($"Every cell: {options.Steps} steps of batch {options.Batch}, hidden {options.Hidden}, {options.Optimizer} lr {options.LearningRate}, clip {options.Clip} {options.ClipThreshold}, {(options.Chrono ? "chrono initialisation of the gated cells" : "default initialisation")}; baseline {task.Baseline:F3} ({task.BaselineMeaning}); solved below a tenth of it.");
        foreach (Section section in Sections)
        {
            if (only is not null && !only.Contains(section.Name))
                continue;
            var results = new List<TrainingResult>();
            foreach (var (name, create) in section.Cells)
            {
                TrainingResult result = Trainer.Run(name, create, task, options, resumable: saved);
                if (result.InterruptedAt is int at)
                {
                    report.AppendLine();
                    report.AppendLine($"Interrupted at {name}, step {at}; rerun with the same options and --resume to continue exactly.");
                    File.WriteAllText(Path.Combine(folder, "tour.md"), report.ToString());
                    Console.WriteLine($"Interrupted: saved the run beside the results so far (tour.md); rerun with the same options and --resume to continue.");
                    return 130;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{section.Name,-6} {name,-22} T={task.Length,-4} loss {result.FinalLoss:F4}  {(result.Solved ? "solved" : "not solved")}  γ {result.GammaAtInit:F3}  {result.Time.TotalSeconds:F1} s"));
                results.Add(result);
            }
            string chart = $"tour-{section.Name}.png";
            Charts.LossCurves(results, task.Length, Path.Combine(folder, chart), section.Title);
            report.AppendLine();
            report.AppendLine($"## {section.Title}");
            report.AppendLine();
            report.AppendLine(section.Shows);
            report.AppendLine();
            report.AppendLine("| cell | final held-out loss | solved | steps to solve | γ at initialisation | time |");
            report.AppendLine("|---|---:|---|---:|---:|---:|");
            foreach (TrainingResult r in results)
                report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Cell} | {r.FinalLoss:F4} | {(r.Solved ? "yes" : "no")} | {(r.StepsToSolve?.ToString(CultureInfo.InvariantCulture) ?? "-")} | {r.GammaAtInit:F3} | {r.Time.TotalSeconds:F1} s |"));
            report.AppendLine();
            report.AppendLine("Measured: " + Verdicts.Solved(results, task.Length, options));
            report.AppendLine();
            report.AppendLine($"![{section.Title}]({chart})");
        }
        string path = Path.Combine(folder, "tour.md");
        File.WriteAllText(path, report.ToString());
        Console.WriteLine($"Wrote {path} and its charts.");
        return 0;
    }
}
