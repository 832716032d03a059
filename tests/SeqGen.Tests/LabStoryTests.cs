using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using SeqGen.Cells;
using SeqGen.Lab;
using SeqGen.Numerics;

namespace SeqGen.Tests;

/// <summary>The lecture's story as the lab's default run tells it: which cells solve T = 100, the exploding gradient, the tour, the charts.</summary>
public class LabStoryTests
{
    // The default run's settings (samples/SeqGen.Lab/Program.cs): 1500 steps of 32, hidden 32, Adam 0.01, clip norm 1, chrono.
    private static TrainingOptions Shipped(int seed) => new(Steps: 1500, Batch: 32, Hidden: 32, LearningRate: 0.01, Optimizer: "adam", Clip: "norm", ClipThreshold: 1, Seed: seed, Chrono: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AtT100_LstmAndGruSolveTheAddingProblem_AndElmanDoesNot(int seed)
    {
        var task = new AddingTask(100);
        foreach (var (name, create, solves) in new (string, Func<int, int, int, SeqGen.Model.RecurrentCellBase<float>>, bool)[]
        {
            ("Lstm", (i, h, s) => new Lstm(i, h, s), true),
            ("Gru", (i, h, s) => new Gru(i, h, s), true),
            ("ElmanRnn", (i, h, s) => new ElmanRnn(i, h, s), false),
        })
        {
            TrainingResult result = Trainer.Run(name, create, task, Shipped(seed));
            Assert.True(result.Solved == solves, $"{name}, seed {seed}: final held-out MSE {result.FinalLoss}");
        }
    }

    [Fact]
    public void ExplodingGradient_DivergesUnclipped_AndLearnsClippedByNorm()
    {
        ExplodingGradients.Series[] runs = ExplodingGradients.Run(seed: 1);
        Assert.Equal(["not clipped", "clipped to global norm 1", "clipped to ±0.03 per element"], Array.ConvertAll(runs, r => r.Label));
        Assert.Contains(runs[0].Loss, v => !double.IsFinite(v));
        foreach (ExplodingGradients.Series clipped in runs[1..])
        {
            Assert.All(clipped.Loss, v => Assert.True(double.IsFinite(v)));
            double tail = 0;
            for (int i = clipped.Loss.Length - 50; i < clipped.Loss.Length; i++)
                tail += clipped.Loss[i] / 50;
            Assert.True(tail < 0.6 * AddingProblem.BaselineLoss, $"{clipped.Label}: training MSE {tail}");
        }
        // The recurrent matrix is 1.1 I and ReLU's derivative is 0 or 1: the measured γ is the scale.
        Assert.InRange(runs[0].Gamma, 1.05, 1.1);
    }

    [Fact]
    public void Gamma_OfAnElmanCellWithKnownRecurrentWeights_IsTheirScale()
    {
        const int hidden = 6, length = 30, batch = 4;
        var cell = new ElmanRnn<double>(2, hidden, seed: 1);
        // W = 0, b = 0, h₀ = 0: the state stays 0, tanh′ = 1, so ∂L/∂h_k = (0.9 I)^(T−1−k) ∂L/∂h_(T−1).
        cell.Parameter("W").Clear();
        cell.Parameter("b").Clear();
        Span<double> u = cell.Parameter("U");
        u.Clear();
        for (int i = 0; i < hidden; i++)
            u[i * hidden + i] = 0.9;
        var ws = cell.CreateWorkspace(length, batch);
        var random = new Random(2);
        Span<double> input = ws.Input(0);
        for (int i = 0; i < input.Length; i++)
            input[i] = random.NextDouble();
        cell.Forward(ws, length);
        Span<double> dOutput = ws.OutputGradient(length);
        dOutput.Clear();
        for (int i = 0; i < batch * hidden; i++)
            dOutput[(length - 1) * batch * hidden + i] = random.NextDouble() - 0.5;
        cell.Backward(ws, length);
        double[] norms = GradientDecay.Norms(ws, cell.OutputState, length);
        Assert.Equal(0.9, GradientDecay.Gamma(norms), 9);
        Assert.True(double.IsNaN(GradientDecay.Gamma([1.0])));
        Assert.Equal(2.0, GradientDecay.Gamma([1.0, 0.0, 4.0, double.PositiveInfinity]), 12);
    }

    [Fact]
    public void ChartColours_AreFixedPerCell_AndDistinctWithinEachChart()
    {
        string[] labCells = ["ElmanRnn", "Gru", "ChoGru", "Lstm", "LeakyRnn", "LearnedLeakyRnn", "CoupledLstm", "MinimalGatedUnit", "PeepholeLstm", "DiagonalPeepholeLstm", "SkipRnn"];
        var seen = new Dictionary<string, string>();
        foreach (string cell in labCells)
        {
            Assert.Contains(cell, ChartStyle.NamedColours);
            string hex = ChartStyle.Colour(cell).ToHex();
            Assert.False(seen.ContainsKey(hex), $"{cell} has the colour of {(seen.TryGetValue(hex, out string? other) ? other : "")}");
            seen[hex] = cell;
            Assert.Equal(hex, ChartStyle.Colour(cell).ToHex());
        }
        // A chart's series never share a colour: the tour's sections and the clipping runs.
        foreach (Tour.Section section in Tour.Sections)
            AssertDistinct(Array.ConvertAll(section.Cells, c => c.Cell));
        AssertDistinct(["not clipped", "clipped to global norm 1", "clipped to ±0.03 per element"]);
        Assert.Equal("10⁻³", ChartStyle.PowerOfTen(-3));
        Assert.Equal("0.01", ChartStyle.PowerOfTen(-2));
        Assert.Equal("1000", ChartStyle.PowerOfTen(3));
        Assert.Equal("10¹²", ChartStyle.PowerOfTen(12));
    }

    private static void AssertDistinct(string[] names)
    {
        var colours = new HashSet<string>();
        foreach (string name in names)
            Assert.True(colours.Add(ChartStyle.Colour(name).ToHex()), $"{name} shares a colour in [{string.Join(", ", names)}]");
    }

    [Fact]
    public void Tour_RunsEachSectionOnASmallBudget_AndWritesItsTableAndChart()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-tour-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = LabTests.RunLab($"--tour --lengths 10 --steps 20 --batch 8 --hidden 8 --output {folder}");
            Assert.Equal(0, code);
            string report = File.ReadAllText(Path.Combine(folder, "tour.md"));
            foreach (Tour.Section section in Tour.Sections)
            {
                Assert.Contains($"## {section.Title}", report);
                Assert.True(new FileInfo(Path.Combine(folder, $"tour-{section.Name}.png")).Length > 1000, section.Name);
                foreach (var (cell, _) in section.Cells)
                    Assert.Contains($"| {cell} |", report);
            }
            Assert.Contains("Measured: At T = 10,", report);
            Assert.Contains("skip   SkipRnn d=25", stdout);
            var (bad, _, stderr) = LabTests.RunLab($"--tour leaky,deep --output {folder}");
            Assert.Equal(2, bad);
            Assert.Contains("--tour: 'deep' is not all or one of leaky, skip, gated", stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
