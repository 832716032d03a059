using System;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Tests;

/// <summary>A run resumed from a checkpoint continues exactly as the uninterrupted run.</summary>
public class CheckpointTests
{
    private sealed class Run
    {
        public readonly Lstm<float> Cell = new(inputSize: 3, hiddenSize: 6, seed: 1);
        public readonly Linear<float> Head = new(inputs: 6, outputs: 2, seed: 2);
        public readonly ModuleDict<float> Modules;
        public readonly Adam<float> Optimizer;
        public readonly SeededRandom Random = new(42);
        private readonly SequenceWorkspace<float> _ws;
        private readonly float[] _y = new float[5 * 2 * 2], _dy = new float[5 * 2 * 2];

        public Run()
        {
            Modules = new ModuleDict<float> { ["cell"] = Cell, ["head"] = Head };
            Optimizer = new Adam<float>(Modules, learningRate: 0.01);
            _ws = Cell.CreateWorkspace(steps: 5, batch: 2);
        }

        public void Train(int steps)
        {
            for (int s = 0; s < steps; s++)
            {
                // Fresh data from the run's random source, so its state matters to the result.
                Span<float> x = _ws.Input(0);
                for (int i = 0; i < x.Length; i++)
                    x[i] = (float)Random.NextUniform(-1, 1);
                Cell.Forward(_ws, 5);
                Head.Forward(_ws.Output(5), _y, 10);
                var targets = new float[_y.Length];
                for (int i = 0; i < targets.Length; i++)
                    targets[i] = x[i % x.Length];
                Losses.MeanSquaredError<float>(_y, targets, _dy);
                Optimizer.ZeroGradients();
                Head.Backward(_ws.Output(5), _dy, _ws.OutputGradient(5), 10);
                Cell.Backward(_ws, 5);
                GradientClipping.ByGlobalNorm(Modules, 1.0);
                Optimizer.Step();
            }
        }
    }

    [Fact]
    public void ResumedRun_MatchesTheUninterruptedRun()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            var uninterrupted = new Run();
            uninterrupted.Train(4);
            Checkpoint.Save(path, uninterrupted.Modules, uninterrupted.Optimizer, uninterrupted.Random, step: 4);
            uninterrupted.Train(6);

            var resumed = new Run();
            long step = Checkpoint.Load(path, resumed.Modules, resumed.Optimizer, resumed.Random);
            Assert.Equal(4, step);
            resumed.Train(6);
            Assert.Equal(uninterrupted.Cell.Parameters, resumed.Cell.Parameters);
            Assert.Equal(uninterrupted.Head.Parameters, resumed.Head.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MismatchedRun_IsRejectedWholeAndChangesNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            var run = new Run();
            Checkpoint.Save(path, run.Modules, run.Optimizer, run.Random, step: 1);
            var other = new Lstm<float>(inputSize: 3, hiddenSize: 7);
            float[] before = (float[])other.Parameters.Clone();
            var model = new ModuleDict<float> { ["cell"] = other, ["head"] = new Linear<float>(6, 2) };
            var sgd = new Sgd<float>(model, 0.1);
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, sgd));
            Assert.Contains("'model.cell.W_i' is [6, 3] in the file, the model's is [7, 3]", error.Message);
            Assert.Contains("'model.cell.b_f' is [6] in the file, the model's is [7]", error.Message);
            Assert.Contains("the checkpoint holds a 'adam' optimizer, the run a 'sgd' one", error.Message);
            Assert.DoesNotContain("Adam`", error.Message);
            Assert.Equal(before, other.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FailedSave_KeepsThePreviousCheckpoint()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqgen-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            var run = new Run();
            Checkpoint.Save(path, run.Modules, run.Optimizer, run.Random, step: 7);
            byte[] saved = File.ReadAllBytes(path);
            var broken = new SafeTensor("w", "", new[] { 3 }, new double[2]);
            Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, new[] { broken }, asFloat32: true));
            Assert.Equal(saved, File.ReadAllBytes(path));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "." + Path.GetFileName(path) + ".*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
