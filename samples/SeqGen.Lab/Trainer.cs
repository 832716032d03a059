using System;
using System.Collections.Generic;
using System.Diagnostics;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Training;

namespace SeqGen.Lab;

internal sealed record TrainingOptions(int Steps, int Batch, int Hidden, double LearningRate, string Optimizer, string Clip, double ClipThreshold, int Seed, bool Chrono = false);

/// <summary>Loss after each evaluation, gradient norms, and the summary the table shows; <see cref="InterruptedAt"/> is the last step done when the run was stopped early.</summary>
internal sealed record TrainingResult(string Cell, string Task, int Length, double FinalLoss, double Baseline, bool Solved, int? StepsToSolve, TimeSpan Time,
    List<(int Step, double Loss)> Curve, double[] NormsAtInit, double[] NormsTrained, int Seed, int? InterruptedAt = null)
{
    /// <summary>γ measured at initialisation: the per-step factor of ‖∂L/∂h_k‖ with distance (see <see cref="GradientDecay"/>).</summary>
    public double GammaAtInit => GradientDecay.Gamma(NormsAtInit);
}

/// <summary>
/// Trains a recurrent cell with a linear read-out of its outputs on the target steps of a task
/// (mean squared error for a number, softmax cross-entropy for a class), evaluating on a fixed
/// held-out batch; "solved" means a held-out loss below a tenth of the task's baseline.
/// </summary>
internal static class Trainer
{
    public const double SolvedFraction = 0.1;
    private const int EvaluationBatch = 256;

    /// <summary>
    /// Trains one cell. With <paramref name="resumable"/>, a cancelled token stops the run after the
    /// step in progress and saves it (a checkpoint of model, optimizer and data source, and the
    /// curve so far) under the run's name; resuming continues it exactly, and a finished run is
    /// read back instead of trained again.
    /// </summary>
    public static TrainingResult Run(string name, Func<int, int, int, RecurrentCellBase<float>> create, ISequenceTask task, TrainingOptions options,
        Action<int, double>? progress = null, ResumableRun? resumable = null)
    {
        SavedRun? saved = resumable is { Resume: true } ? resumable.Read(name, task, options) : null;
        if (saved is { Done: true })
            return saved.ToResult(name, task, options);
        var random = new SeededRandom(options.Seed);
        RecurrentCellBase<float> cell = create(task.Features, options.Hidden, options.Seed);
        var head = new Linear<float>(options.Hidden, Math.Max(1, task.Classes), options.Seed + 1);
        if (options.Chrono)
            ChronoInitialise(cell, task.Length, options.Seed);
        var modules = new ModuleDict<float> { ["cell"] = cell, ["head"] = head };
        Optimizer<float> optimizer = options.Optimizer switch
        {
            "sgd" => new Sgd<float>(modules, options.LearningRate, momentum: 0.9),
            "rmsprop" => new RmsProp<float>(modules, options.LearningRate),
            _ => new Adam<float>(modules, options.LearningRate),
        };
        var train = new Batch(cell, head, task, options.Batch);
        var heldOut = new Batch(cell, head, task, EvaluationBatch);
        heldOut.Fill(new SeededRandom(options.Seed + 1000), heldOut: true);
        double[] normsAtInit = heldOut.GradientNorms();
        var curve = new List<(int, double)>();
        int? solvedAt = null;
        int first = 1;
        double earlier = 0;
        if (saved is not null)
        {
            first = (int)resumable!.Restore(name, task, modules, optimizer, random) + 1;
            normsAtInit = saved.NormsAtInit;
            curve.AddRange(saved.Curve());
            solvedAt = saved.SolvedAt;
            earlier = saved.Seconds;
        }
        var clock = Stopwatch.StartNew();
        int every = Math.Max(1, options.Steps / 50);
        for (int step = first; step <= options.Steps; step++)
        {
            if (resumable is not null && resumable.Token.IsCancellationRequested)
            {
                var partial = new TrainingResult(name, task.Name, task.Length, curve.Count > 0 ? curve[^1].Item2 : double.NaN, task.Baseline, false, solvedAt,
                    clock.Elapsed + TimeSpan.FromSeconds(earlier), curve, normsAtInit, normsAtInit, options.Seed, InterruptedAt: step - 1);
                resumable.Save(partial, options, modules, optimizer, random);
                return partial;
            }
            train.Fill(random);
            optimizer.ZeroGradients();
            train.ForwardBackward();
            if (options.Clip == "norm")
                GradientClipping.ByGlobalNorm(modules, options.ClipThreshold);
            else if (options.Clip == "value")
                GradientClipping.ByValue(modules, options.ClipThreshold);
            optimizer.Step();
            if (step % every == 0 || step == options.Steps)
            {
                double loss = heldOut.Loss();
                curve.Add((step, loss));
                progress?.Invoke(step, loss);
                if (solvedAt is null && loss < SolvedFraction * task.Baseline)
                    solvedAt = step;
            }
        }
        double final = curve[^1].Item2;
        var result = new TrainingResult(name, task.Name, task.Length, final, task.Baseline, final < SolvedFraction * task.Baseline, solvedAt,
            clock.Elapsed + TimeSpan.FromSeconds(earlier), curve, normsAtInit, heldOut.GradientNorms(), options.Seed);
        resumable?.Save(result, options, modules, optimizer, random);
        return result;
    }

    // The gate that keeps the state in the stock gated cells: an LSTM's forget gate (with its input
    // gate opposite), a GRU's update gate z (h' = z h + (1 − z) n). Other cells are left as they are:
    // a name alone does not say which way a gate turns (the minimal gated unit's f writes, it does not keep).
    private static void ChronoInitialise(RecurrentCellBase<float> cell, int length, int seed)
    {
        var random = new SeededRandom(seed + 7);
        switch (cell)
        {
            case Cells.Lstm or Cells.PeepholeLstm or Cells.DiagonalPeepholeLstm:
                Initializers.Chrono(cell, length, random, "b_f", "b_i");
                break;
            case Cells.CoupledLstm:
                Initializers.Chrono(cell, length, random, "b_f", null);
                break;
            case Cells.Gru:
                Initializers.Chrono(cell, length, random, "b_iz", null);
                break;
            case Cells.ChoGru:
                Initializers.Chrono(cell, length, random, "b_z", null);
                break;
        }
    }

    /// <summary>One batch of a task with everything a forward and backward pass needs, allocated once.</summary>
    private sealed class Batch
    {
        private readonly RecurrentCellBase<float> _cell;
        private readonly Linear<float> _head;
        private readonly ISequenceTask _task;
        private readonly SequenceWorkspace<float> _ws;
        private readonly int _rows, _hidden, _outputs;
        private readonly float[] _values, _tail, _prediction, _dPrediction, _dTail;
        private readonly int[] _labels;

        public Batch(RecurrentCellBase<float> cell, Linear<float> head, ISequenceTask task, int batch)
        {
            (_cell, _head, _task) = (cell, head, task);
            _ws = cell.CreateWorkspace(task.Length, batch);
            _rows = task.TargetSteps * batch;
            _hidden = cell.StateSize(cell.OutputState);
            _outputs = head.Outputs;
            _values = new float[_rows];
            _labels = new int[_rows];
            _tail = new float[_rows * _hidden];
            _prediction = new float[_rows * _outputs];
            _dPrediction = new float[_rows * _outputs];
            _dTail = new float[_rows * _hidden];
        }

        public void Fill(SeededRandom random, bool heldOut = false)
        {
            Span<float> inputs = _ws.Input(0).Slice(0, _task.Length * _ws.Batch * _task.Features);
            if (heldOut)
                _task.FillHeldOut(inputs, _values, _labels, random);
            else
                _task.Fill(inputs, _values, _labels, random);
        }

        /// <summary>Forward through cell and read-out; returns the loss and leaves its gradient w.r.t. the predictions.</summary>
        public double Loss()
        {
            _cell.Forward(_ws, _task.Length);
            _ws.Output(_task.Length).Slice((_task.Length - _task.TargetSteps) * _ws.Batch * _hidden).CopyTo(_tail);
            _head.Forward(_tail, _prediction, _rows);
            return _task.Classes == 0
                ? Losses.MeanSquaredError<float>(_prediction, _values, _dPrediction)
                : Losses.SoftmaxCrossEntropy<float>(_prediction, _labels, _task.Classes, _dPrediction);
        }

        public double ForwardBackward()
        {
            double loss = Loss();
            _head.Backward(_tail, _dPrediction, _dTail, _rows);
            Span<float> dOutput = _ws.OutputGradient(_task.Length);
            dOutput.Clear();
            _dTail.CopyTo(dOutput.Slice((_task.Length - _task.TargetSteps) * _ws.Batch * _hidden));
            _cell.Backward(_ws, _task.Length);
            return loss;
        }

        /// <summary>
        /// ‖∂L/∂h_k‖ (mean over the batch) for every step k, entry d at distance d = T−1−k from
        /// the last step. Its decay with d is the vanishing gradient, its growth the exploding one.
        /// Parameter gradients are left as they were.
        /// </summary>
        public double[] GradientNorms()
        {
            float[] cellGradients = (float[])_cell.Gradients.Clone(), headGradients = (float[])_head.Gradients.Clone();
            ForwardBackward();
            cellGradients.CopyTo(_cell.Gradients, 0);
            headGradients.CopyTo(_head.Gradients, 0);
            return GradientDecay.Norms(_ws, _cell.OutputState, _task.Length);
        }
    }
}
