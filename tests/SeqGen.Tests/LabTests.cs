using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using SeqGen.Cells;
using SeqGen.Lab;
using SeqGen.Model;
using SeqGen.Numerics;

namespace SeqGen.Tests;

/// <summary>The lab's task, its training, and the program end to end.</summary>
public class LabTests
{
    [Fact]
    public void AddingProblem_MarksOneStepInEachHalf_AndTargetsTheirSum()
    {
        var task = new AddingProblem(10, new SeededRandom(3));
        var inputs = new float[10 * 4 * 2];
        var targets = new float[4];
        task.Fill(inputs, targets);
        for (int b = 0; b < 4; b++)
        {
            float sum = 0;
            int marks = 0, firstHalf = 0;
            for (int t = 0; t < 10; t++)
            {
                int at = (t * 4 + b) * 2;
                Assert.InRange(inputs[at], 0f, 1f);
                if (inputs[at + 1] == 1)
                {
                    marks++;
                    firstHalf += t < 5 ? 1 : 0;
                    sum += inputs[at];
                }
            }
            Assert.Equal(2, marks);
            Assert.Equal(1, firstHalf);
            Assert.Equal(sum, targets[b], 6);
        }
    }

    [Fact]
    public void Baseline_IsTheVarianceOfTheSum()
    {
        var task = new AddingProblem(6, new SeededRandom(4));
        var inputs = new float[6 * 20000 * 2];
        var targets = new float[20000];
        task.Fill(inputs, targets);
        double loss = 0;
        foreach (float y in targets)
            loss += (y - 1) * (y - 1);
        Assert.Equal(AddingProblem.BaselineLoss, loss / targets.Length, 2);
    }

    [Fact]
    public void Gru_SolvesTheAddingProblemAtLength20_WithinItsBudget()
    {
        var options = new TrainingOptions(Steps: 400, Batch: 32, Hidden: 32, LearningRate: 0.01, Optimizer: "adam", Clip: "norm", ClipThreshold: 1, Seed: 1);
        TrainingResult result = Trainer.Run("Gru", (i, h, s) => new Gru(i, h, s), new AddingTask(20), options);
        // The first evaluation (after a few steps) is still near the baseline: the win is learned, not luck.
        Assert.True(result.Curve[0].Loss > 0.5 * AddingProblem.BaselineLoss, $"first held-out MSE {result.Curve[0].Loss}");
        Assert.True(result.Solved, $"final held-out MSE {result.FinalLoss}");
    }

    [Fact]
    public void Program_RunsEndToEnd_AndWritesItsTable()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-lab-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--lengths 8 --cells Gru,MinimalGatedUnit --steps 30 --batch 8 --hidden 8 --output {folder}");
            Assert.Equal(0, code);
            Assert.Contains("| MinimalGatedUnit | 8 |", stdout);
            Assert.Contains("| cell | T | final held-out MSE", File.ReadAllText(Path.Combine(folder, "results.md")));
            Assert.StartsWith("cell,length,step,heldout_loss", File.ReadAllText(Path.Combine(folder, "loss-curves.csv")));
            Assert.StartsWith("cell,length,distance,norm_at_init,norm_trained", File.ReadAllText(Path.Combine(folder, "gradient-norms.csv")));
            foreach (string chart in new[] { "loss-T8.png", "gradient-norms-T8.png" })
                Assert.True(new FileInfo(Path.Combine(folder, chart)).Length > 1000, chart + " was not drawn");
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Babi_TrainsTheMemoryNetwork_AndWritesWhatEachHopRead()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-babi-{Guid.NewGuid():N}");
        try
        {
            // A synthetic single-supporting-fact task in bAbI's file layout (the real files are not in the repository).
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "qa1_single-supporting-fact_train.txt"), MemoryNetworkTests.SyntheticStories(400, 1));
            File.WriteAllLines(Path.Combine(folder, "qa1_single-supporting-fact_test.txt"), MemoryNetworkTests.SyntheticStories(40, 2));
            var (code, stdout, _) = RunLab($"--babi {folder} --babi-runs 1 --babi-epochs 40 --output {folder}/out");
            Assert.Equal(0, code);
            Assert.Contains("1000 training questions: test error", stdout);
            string report = File.ReadAllText(Path.Combine(folder, "out", "babi.md"));
            Assert.Contains("| sentence | supporting | hop 1 | hop 2 | hop 3 |", report);
            Assert.Contains("| 1200 | 1 |", report);
            Assert.Contains("missing", RunLab($"--babi {folder}/nowhere --output {folder}/out").Stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Sst_TrainsATreeModel_OnATreebankFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-sst-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            string[] trees = { "(3 (2 It) (4 (2 's) (3 good)))", "(1 (2 (2 The) (2 film)) (1 (2 was) (0 (0 awful) (2 .))))", "(4 (4 great) (2 fun))", "(0 (0 bad) (2 film))" };
            foreach (string part in new[] { "train", "dev", "test" })
                File.WriteAllLines(Path.Combine(folder, part + ".txt"), trees);
            var (code, stdout, _) = RunLab($"--sst {folder} --sst-epochs 2 --sst-hidden 8 --output {folder}/out");
            Assert.Equal(0, code);
            Assert.Contains("SST TreeLstm given epoch 2", stdout);
            Assert.Contains("| epoch | train loss | dev root fine", File.ReadAllText(Path.Combine(folder, "out", "sst-TreeLstm.md")));
            foreach (string picture in new[] { "sst-TreeLstm.png", "sst-TreeLstm-tree.png" })
                Assert.True(new FileInfo(Path.Combine(folder, "out", picture)).Length > 1000, picture);
            var (inferred, inferredOut, _) = RunLab($"--sst {folder} --sst-trees inferred --sst-epochs 1 --sst-hidden 8 --output {folder}/out");
            Assert.Equal(0, inferred);
            Assert.Contains("SST TreeLstm inferred test: root fine", inferredOut);
            Assert.Contains("all-phrase fine n/a", File.ReadAllText(Path.Combine(folder, "out", "sst-TreeLstm-inferred.md")));
            var (unknown, _, unknownError) = RunLab($"--sst {folder} --sst-trees parsed --output {folder}/out");
            Assert.Equal(2, unknown);
            Assert.Contains("--sst-trees 'parsed' is not one of given, given-roots, balanced, inferred", unknownError);
            File.WriteAllText(Path.Combine(folder, "dev.txt"), "(3 (2 It) (4 good)");
            var (bad, _, stderr) = RunLab($"--sst {folder} --sst-epochs 1 --sst-hidden 8 --output {folder}/out");
            Assert.Equal(2, bad);
            Assert.Contains("dev.txt, line 1, column 19", stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Seq2Seq_TrainsWithAndWithoutAttention_AndDrawsTheWeights()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-seq2seq-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--seq2seq --seq2seq-tasks reverse,dates --seq2seq-steps 20 --output {folder}");
            Assert.Equal(0, code);
            Assert.Contains("| reverse | attention |", stdout);
            Assert.Contains("| dates | no attention |", stdout);
            Assert.True(new FileInfo(Path.Combine(folder, "seq2seq-reverse-attention.png")).Length > 1000);
            var (bad, _, stderr) = RunLab($"--seq2seq --seq2seq-tasks copy --output {folder}");
            Assert.Equal(2, bad);
            Assert.Contains("--seq2seq-tasks: 'copy' is not one of reverse, sort, dates", stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void NtmCopy_TrainsAndReportsBothCosts()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-ntm-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--ntm --ntm-episodes 1000 --ntm-seeds 1 --output {folder}");
            Assert.Equal(0, code);
            Assert.Contains("NTM copy seed 1, 1000 episodes:", stdout);
            Assert.Contains("LSTM 256 copy seed 1, 1000 episodes:", stdout);
            string report = File.ReadAllText(Path.Combine(folder, "ntm-copy.md"));
            Assert.Contains("| model | seed | bits per episode", report);
            Assert.Contains("| LSTM 256 | 1 |", report);
            foreach (string chart in new[] { "ntm-copy-curve.png", "ntm-copy-weightings.png" })
                Assert.True(new FileInfo(Path.Combine(folder, chart)).Length > 1000, chart);
            var (bad, _, stderr) = RunLab($"--ntm --ntm-episodes 10 --output {folder}");
            Assert.Equal(2, bad);
            Assert.Contains("--ntm-episodes must be at least 1000", stderr);
            (bad, _, stderr) = RunLab($"--ntm --ntm-task paste --output {folder}");
            Assert.Equal(2, bad);
            Assert.Contains("--ntm-task 'paste' is not one of copy, repeat-copy, recall", stderr);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RecallEpisodes_AskForTheItemAfterTheQuery()
    {
        var input = new float[35 * 8];
        var target = new float[18];
        int steps = RecallTask.Episode(new Random(5), 3, input, target);
        Assert.Equal(3 * 4 + 8, steps);
        // Item delimiters open each item; the query sits between two query delimiters.
        for (int item = 0; item < 3; item++)
            Assert.Equal(1, input[item * 4 * 8 + 6]);
        Assert.Equal(1, input[12 * 8 + 7]);
        Assert.Equal(1, input[16 * 8 + 7]);
        int query = -1;
        for (int item = 0; item < 2 && query < 0; item++)
        {
            bool same = true;
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < 6; j++)
                    same &= input[(item * 4 + 1 + k) * 8 + j] == input[(13 + k) * 8 + j];
            query = same ? item : -1;
        }
        Assert.True(query >= 0);
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(input[((query + 1) * 4 + 1 + k) * 8 + j], target[k * 6 + j]);
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-recall-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--ntm --ntm-task recall --ntm-episodes 1000 --ntm-seeds 1 --ntm-baseline false --output {folder}");
            Assert.Equal(0, code);
            Assert.Contains("NTM recall seed 1, 1000 episodes:", stdout);
            Assert.True(File.Exists(Path.Combine(folder, "ntm-recall-weightings.png")));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RepeatCopyEpisodes_AskForTheSequenceRepeated_ThenTheEndMarker()
    {
        var input = new float[113 * 10];
        var target = new float[111 * 9];
        NtmEpisode episode = RepeatCopyTask.Episode(new Random(3), 4, 3, input, target);
        Assert.Equal(new NtmEpisode(4 + 2 + 12 + 1, 6), episode);
        Assert.Equal(1, input[4 * 10 + 8]);
        // 3 copies of 1..10 normalised: (3 − 5.5) / √8.25.
        Assert.Equal((float)(-2.5 / Math.Sqrt(8.25)), input[5 * 10 + 9], 6);
        for (int t = 6; t < episode.Steps; t++)
            for (int j = 0; j < 10; j++)
                Assert.Equal(0, input[t * 10 + j]);
        for (int k = 0; k < 12; k++)
        {
            for (int j = 0; j < 8; j++)
                Assert.Equal(input[k % 4 * 10 + j], target[k * 9 + j]);
            Assert.Equal(0, target[k * 9 + 8]);
        }
        for (int j = 0; j < 8; j++)
            Assert.Equal(0, target[12 * 9 + j]);
        Assert.Equal(1, target[12 * 9 + 8]);
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-repeat-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--ntm --ntm-task repeat-copy --ntm-episodes 1000 --ntm-seeds 1 --ntm-baseline false --output {folder}");
            Assert.Equal(0, code);
            Assert.Contains("NTM repeat-copy seed 1, 1000 episodes:", stdout);
            Assert.Contains("lengths 11–20, 1–10 copies", File.ReadAllText(Path.Combine(folder, "ntm-repeat-copy.md")));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CopySequences_EndWithTheDelimiter_AndTargetTheInputBits()
    {
        var input = new float[41 * 9];
        var target = new float[20 * 8];
        CopyTask.Sequence(new Random(2), 5, input, target);
        for (int t = 0; t < 5; t++)
        {
            for (int j = 0; j < 8; j++)
                Assert.Equal(input[t * 9 + j], target[t * 8 + j]);
            Assert.Equal(0, input[t * 9 + 8]);
        }
        Assert.Equal(1, input[5 * 9 + 8]);
        for (int i = 6 * 9; i < 11 * 9; i++)
            Assert.Equal(0, input[i]);
    }

    [Fact]
    public void DateExamples_AreWrittenSeveralWays_AndNormalised()
    {
        var random = new Random(1);
        var formats = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            var (source, target) = TranslationTask.Example("dates", random, 1, 20);
            Assert.Matches(@"^(19[5-9]\d|20[0-4]\d)-\d\d-\d\d$", target);
            formats.Add(source.Contains('/') ? 1 : source.Contains('.') ? 4 : source.Contains(',') ? 2 : char.IsDigit(source[0]) ? 0 : 3);
        }
        Assert.True(formats.Count >= 4);
        var (digits, sorted) = TranslationTask.Example("sort", random, 5, 5);
        char[] expected = digits.ToCharArray();
        Array.Sort(expected);
        Assert.Equal(new string(expected), sorted);
    }

    [Fact]
    public void LatentTrees_CompareWhereTheTreeComesFrom()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-latent-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = RunLab($"--latent-trees --latent-seeds 1 --latent-epochs 1 --output {folder}");
            Assert.Equal(0, code);
            foreach (string source in LatentTreeTask.Sources)
                Assert.Contains($"| {source} | 1 |", stdout);
            Assert.True(new FileInfo(Path.Combine(folder, "latent-trees.png")).Length > 1000);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TextModel_TrainsOnAFile_AndSamples()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"seqgen-lab-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string textFile = Path.Combine(folder, "text.txt");
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < 400; i++)
                text.Append("the cat sat on the mat. ");
            File.WriteAllText(textFile, text.ToString());
            var (code, stdout, stderr) = RunLab($"--text {textFile} --lengths 16 --batch 8 --hidden 16 --text-epochs 3 --sample-length 40 --output {folder}/out");
            Assert.True(code == 0, stderr);
            Assert.Contains("2 x LSTM 16, chunks of 16 in 8 streams", stdout);
            Assert.Contains("text epoch 3: training", stdout);
            string report = File.ReadAllText(Path.Combine(folder, "out", "text.md"));
            Assert.Contains("Sampled at temperature 0.8:", report);
            Assert.True(new FileInfo(Path.Combine(folder, "out", "text-validation.png")).Length > 1000);
            // A sentence repeated 200 times: the model must learn far below the 4.2 nats of its untrained guess.
            var final = System.Text.RegularExpressions.Regex.Match(stdout, @"text epoch 3: training [0-9.]+, validation ([0-9.]+)");
            Assert.True(double.Parse(final.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < 1.5, stdout);
            var (small, _, smallError) = RunLab($"--text {textFile} --lengths 200 --output {folder}/out");
            Assert.Equal(2, small);
            Assert.Contains("--text: the text has 9600 characters", smallError);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--cells Nope", "not one of")]
    [InlineData("--steps -3", "must be positive")]
    [InlineData("--optimizer adagrad", "not adam, sgd or rmsprop")]
    [InlineData("--bogus", "")]
    [InlineData("--text /nonexistent/file.txt", "no file at")]
    public void BadOptions_GiveAOneLineError_AndExitCode2(string arguments, string message)
    {
        var (code, _, stderr) = RunLab(arguments);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    internal static (int Code, string Stdout, string Stderr) RunLab(string arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "seqgen-lab.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr);
    }
}

public class LabTaskTests
{
    [Fact]
    public void CopyMemory_AsksForTheFirstTenSymbolsAfterTheDelimiter()
    {
        var task = new CopyMemoryTask(delay: 5);
        Assert.Equal(25, task.Length);
        var inputs = new float[25 * 3 * 10];
        var labels = new int[10 * 3];
        task.Fill(inputs, new float[30], labels, new SeededRandom(2));
        for (int b = 0; b < 3; b++)
        {
            for (int t = 0; t < 25; t++)
            {
                int hot = Array.IndexOf(inputs, 1f, (t * 3 + b) * 10, 10) - (t * 3 + b) * 10;
                if (t < 10)
                    Assert.Equal(labels[t * 3 + b], hot);
                else
                    Assert.Equal(t == 14 ? 9 : 8, hot);
            }
        }
        Assert.Equal(Math.Log(8), task.Baseline, 12);
    }

    [Fact]
    public void TemporalOrder_LabelsTheOrderOfTheTwoMarkers()
    {
        var task = new TemporalOrderTask(30);
        var inputs = new float[30 * 4 * 6];
        var labels = new int[4];
        task.Fill(inputs, new float[4], labels, new SeededRandom(3));
        for (int b = 0; b < 4; b++)
        {
            var markers = new System.Collections.Generic.List<int>();
            for (int t = 0; t < 30; t++)
            {
                int at = (t * 4 + b) * 6;
                if (inputs[at + 4] == 1) markers.Add(0);
                if (inputs[at + 5] == 1) markers.Add(1);
            }
            Assert.Equal(2, markers.Count);
            Assert.Equal(2 * markers[0] + markers[1], labels[b]);
        }
    }

    [Fact]
    public void Parity_CountsTheOnes()
    {
        var task = new ParityTask(9);
        var inputs = new float[9 * 5];
        var labels = new int[5];
        task.Fill(inputs, new float[5], labels, new SeededRandom(4));
        for (int b = 0; b < 5; b++)
        {
            int ones = 0;
            for (int t = 0; t < 9; t++)
                ones += (int)inputs[t * 5 + b];
            Assert.Equal(ones % 2, labels[b]);
        }
    }

    [Fact]
    public void TemporalOrder_IsLearnedByAGru()
    {
        var options = new TrainingOptions(Steps: 300, Batch: 32, Hidden: 16, LearningRate: 0.01, Optimizer: "adam", Clip: "norm", ClipThreshold: 1, Seed: 2);
        TrainingResult result = Trainer.Run("Gru", (i, h, s) => new Gru(i, h, s), new TemporalOrderTask(20), options);
        Assert.True(result.Curve[0].Loss > 0.5 * Math.Log(4), $"first held-out loss {result.Curve[0].Loss}");
        Assert.True(result.Solved, $"final held-out loss {result.FinalLoss}");
    }
}
