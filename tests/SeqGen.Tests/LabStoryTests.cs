using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Lab;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Trees;

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

/// <summary>Ctrl+C in the lab: the run stops after the step in progress, is saved, and --resume continues it exactly.</summary>
public class LabInterruptTests
{
    private static readonly TrainingOptions Options = new(Steps: 240, Batch: 16, Hidden: 12, LearningRate: 0.01, Optimizer: "adam", Clip: "norm", ClipThreshold: 1, Seed: 4, Chrono: true);

    [Fact]
    public void AnInterruptedRun_ResumesExactlyAsIfNeverStopped()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-resume-{Guid.NewGuid():N}");
        try
        {
            var task = new AddingTask(25);
            Func<int, int, int, SeqGen.Model.RecurrentCellBase<float>> lstm = (i, h, s) => new Lstm(i, h, s);
            TrainingResult reference = Trainer.Run("Lstm", lstm, task, Options);
            using var stop = new System.Threading.CancellationTokenSource();
            TrainingResult interrupted = Trainer.Run("Lstm", lstm, task, Options, (step, _) => { if (step >= 100) stop.Cancel(); }, new ResumableRun(folder, resume: false, stop.Token));
            Assert.Equal(100, interrupted.InterruptedAt);
            Assert.True(File.Exists(Path.Combine(folder, "Lstm-adding-T25.ckpt")));
            TrainingResult resumed = Trainer.Run("Lstm", lstm, task, Options, resumable: new ResumableRun(folder, resume: true, default));
            Assert.Null(resumed.InterruptedAt);
            Assert.Equal(reference.Curve, resumed.Curve);
            Assert.Equal(reference.NormsAtInit, resumed.NormsAtInit);
            Assert.Equal(reference.NormsTrained, resumed.NormsTrained);
            Assert.Equal(reference.FinalLoss, resumed.FinalLoss);
            // Finished: read back, not trained again; the checkpoint is gone.
            Assert.False(File.Exists(Path.Combine(folder, "Lstm-adding-T25.ckpt")));
            Assert.Equal(reference.Curve, Trainer.Run("Lstm", lstm, task, Options, resumable: new ResumableRun(folder, resume: true, default)).Curve);
            var other = Assert.Throws<ArgumentException>(() => Trainer.Run("Lstm", lstm, task, Options with { Steps = 300 }, resumable: new ResumableRun(folder, resume: true, default)));
            Assert.Contains("was saved with", other.Message);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CtrlC_StopsTheLab_SavesTheRun_AndExitsWith130()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-sigint-{Guid.NewGuid():N}");
        try
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "seqgen-lab.dll");
            var start = new ProcessStartInfo("dotnet", $"\"{dll}\" --lengths 100 --cells Lstm --steps 1000000 --output {folder}") { RedirectStandardOutput = true };
            using var lab = Process.Start(start)!;
            // Wait until training has begun (the first line is the settings), then send SIGINT.
            Assert.StartsWith("Task adding:", lab.StandardOutput.ReadLine());
            System.Threading.Thread.Sleep(1500);
            using (var kill = Process.Start("kill", $"-INT {lab.Id}")!)
                kill.WaitForExit();
            string rest = lab.StandardOutput.ReadToEnd();
            Assert.True(lab.WaitForExit(30_000), "the lab did not stop after Ctrl+C");
            Assert.Equal(130, lab.ExitCode);
            Assert.Contains("Lstm               T=100  interrupted at step", rest);
            Assert.Contains("rerun with the same options and --resume", rest);
            Assert.True(File.Exists(Path.Combine(folder, "checkpoints", "Lstm-adding-T100.ckpt")));
            Assert.Contains("# Interrupted", File.ReadAllText(Path.Combine(folder, "results.md")));
            var (code, _, stderr) = LabTests.RunLab($"--lengths 100 --cells Lstm --steps 999 --resume --output {folder}");
            Assert.Equal(2, code);
            Assert.Contains("was saved with", stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The text model stopped mid-epoch and resumed gives the curve of a run never stopped.</summary>
public class TextModelResumeTests
{
    [Fact]
    public void AStoppedTextRun_ResumesExactly()
    {
        var text = new System.Text.StringBuilder();
        var random = new Random(3);
        string[] words = { "the ", "cat ", "sat ", "on ", "a ", "mat. ", "dog ", "ran ", "far. " };
        while (text.Length < 12_000)
            text.Append(words[random.Next(words.Length)]);
        var settings = new TextModel.Settings(Hidden: 16, Embedding: 8, Chunk: 16, Batch: 8, Dropout: 0.2, Seed: 2);
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-text-{Guid.NewGuid():N}");
        try
        {
            TextModel.Result reference = new TextModel(text.ToString(), settings).Train(2);
            using var stop = new System.Threading.CancellationTokenSource();
            int reports = 0;
            TextModel.Result stopped = new TextModel(text.ToString(), settings).Train(2, _ => { if (++reports == 5) stop.Cancel(); }, stop.Token, folder);
            Assert.True(stopped.Interrupted);
            Assert.True(File.Exists(Path.Combine(folder, "text.ckpt")));
            TextModel.Result resumed = new TextModel(text.ToString(), settings).Train(2, null, default, folder, resume: true);
            Assert.False(resumed.Interrupted);
            Assert.Equal(reference.Curve, resumed.Curve);
            Assert.Throws<ArgumentException>(() => new TextModel(text.ToString(), settings with { Hidden = 17 }).Train(2, null, default, folder, resume: true));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>An NTM run stopped mid-chunk and resumed gives the curve and held-out results of a run never stopped.</summary>
public class NtmResumeTests
{
    [Fact]
    public void AStoppedNtmRun_ResumesExactly()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-ntm-resume-{Guid.NewGuid():N}");
        try
        {
            var task = new CopyTask();
            NtmLab.RunResult reference = NtmLab.Train(task, new NtmLearner(task, 1, feedForward: true), 1, 3000)!;
            // Stopped in the middle of the second chunk of 1,000 episodes, as Ctrl+C would stop it.
            NtmLab.RunResult? stopped = NtmLab.Train(task, new NtmLearner(task, 1, feedForward: true), 1, 3000, new Resumption(folder, false, default, StopAt: 1234));
            Assert.Null(stopped);
            NtmLab.RunResult resumed = NtmLab.Train(task, new NtmLearner(task, 1, feedForward: true), 1, 3000, new Resumption(folder, true, default))!;
            Assert.Equal(reference.Curve, resumed.Curve);
            Assert.Equal(reference.HeldOutWrongBits, resumed.HeldOutWrongBits);
            Assert.Equal(reference.LongerBitErrors, resumed.LongerBitErrors);
            // A finished run is read back: evaluated again from its saved machine, not trained again.
            NtmLab.RunResult again = NtmLab.Train(task, new NtmLearner(task, 1, feedForward: true), 1, 3000, new Resumption(folder, true, default))!;
            Assert.Equal(reference.Curve, again.Curve);
            Assert.Equal(reference.LongerExact, again.LongerExact);
            Assert.Throws<ArgumentException>(() => NtmLab.Train(task, new NtmLearner(task, 1, feedForward: true), 1, 4000, new Resumption(folder, true, default)));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The lab's other long runs stopped between steps and resumed give what a run never stopped gives.</summary>
public class LabResumeTests
{
    private static void InFolder(Action<string> test)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-resume-{Guid.NewGuid():N}");
        try
        {
            test(folder);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AStoppedSeq2SeqRun_ResumesExactly() => InFolder(folder =>
    {
        TranslationTask.RunResult reference = TranslationTask.Train("reverse", true, 60, 1, Path.Combine(folder, "reference"))!;
        var stopAt = new Resumption(Path.Combine(folder, "checkpoints"), false, default, StopAt: 23);
        Assert.Null(TranslationTask.Train("reverse", true, 60, 1, folder, stopAt));
        TranslationTask.RunResult resumed = TranslationTask.Train("reverse", true, 60, 1, folder, stopAt with { Resume = true, StopAt = int.MaxValue })!;
        Assert.Equal(reference.Curve, resumed.Curve);
        Assert.Equal(reference.Short, resumed.Short);
        Assert.Equal(reference.Long, resumed.Long);
        Assert.Throws<ArgumentException>(() => TranslationTask.Train("reverse", true, 80, 1, folder, stopAt with { Resume = true }));
    });

    [Theory]
    [InlineData("inferred")]
    [InlineData("given")]
    public void AStoppedTreeRun_ResumesExactly_MidEpoch(string source) => InFolder(folder =>
    {
        var data = new Random(3);
        List<Tree> train = LatentTreeTask.Generate(data, 100, 2, 5), dev = LatentTreeTask.Generate(data, 30, 2, 5), test = LatentTreeTask.Generate(data, 30, 2, 5), longer = LatentTreeTask.Generate(data, 30, 6, 8);
        LatentTreeTask.RunResult reference = LatentTreeTask.Train(source, 1, 3, train, dev, test, longer)!;
        // Four batches per epoch: stopped after the second epoch's first batch.
        var stopAt = new Resumption(folder, false, default, StopAt: 5);
        Assert.Null(LatentTreeTask.Train(source, 1, 3, train, dev, test, longer, stopAt));
        LatentTreeTask.RunResult resumed = LatentTreeTask.Train(source, 1, 3, train, dev, test, longer, stopAt with { Resume = true, StopAt = int.MaxValue })!;
        Assert.Equal(reference.DevAccuracy, resumed.DevAccuracy);
        Assert.Equal(reference.TestAccuracy, resumed.TestAccuracy);
        Assert.Equal(reference.LongSpanAgreement, resumed.LongSpanAgreement);
    });

    [Fact]
    public void AStoppedMemoryNetworkRun_ResumesExactly_InsideItsLinearStart() => InFolder(folder =>
    {
        var (vocabulary, examples) = Babi.Parse(MemoryNetworkTests.SyntheticStories(120, 1), "synthetic");
        List<BabiExample> training = examples.GetRange(0, 100), validation = examples.GetRange(100, examples.Count - 100);
        int sentenceLength = 1;
        foreach (BabiExample example in examples)
        {
            sentenceLength = Math.Max(sentenceLength, example.Question.Length);
            foreach (int[] sentence in example.Story)
                sentenceLength = Math.Max(sentenceLength, sentence.Length);
        }
        MemoryNetwork<float> Network() => new(vocabulary.Words.Count, sentenceLength, dimension: 20, hops: 3, memorySize: 50, seed: 1);
        MemoryNetwork<float> reference = Network();
        Assert.NotNull(MemoryTask.Train(reference, training, validation, 1, 3));
        // Four batches per epoch: stopped in the first epoch (no validation loss yet), between the
        // first and the second (the next order not drawn yet), and in the second.
        var stopAt = new Resumption(folder, false, default, StopAt: 2);
        Assert.Null(MemoryTask.Train(Network(), training, validation, 1, 3, stopAt));
        Assert.Null(MemoryTask.Train(Network(), training, validation, 1, 3, stopAt with { Resume = true, StopAt = 4 }));
        Assert.Null(MemoryTask.Train(Network(), training, validation, 1, 3, stopAt with { Resume = true, StopAt = 5 }));
        MemoryNetwork<float> resumed = Network();
        Assert.NotNull(MemoryTask.Train(resumed, training, validation, 1, 3, stopAt with { Resume = true, StopAt = int.MaxValue }));
        Assert.Equal(reference.Parameters, resumed.Parameters);
    });
}
