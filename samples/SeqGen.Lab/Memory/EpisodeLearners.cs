using System;
using SeqGen.Cells;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>A model the memory tasks train one episode at a time: the lab writes an episode into <see cref="Input"/> and calls <see cref="Run"/>.</summary>
internal abstract class EpisodeLearner
{
    // As the paper and the popular PyTorch implementation: RMSprop 1e-4, momentum 0.9, α 0.95, gradients clamped to ±10.
    protected const double LearningRate = 1e-4, Alpha = 0.95, Momentum = 0.9, Clamp = 10;

    protected readonly NtmTask Task;
    private readonly float[] _gradient;

    protected EpisodeLearner(NtmTask task)
    {
        Task = task;
        _gradient = new float[task.LongerMaxSteps * task.Outputs];
    }

    public abstract string Model { get; }

    /// <summary>The trained modules and their optimizer, as checkpoints save them.</summary>
    protected abstract SeqGen.Model.Module<float> Trained { get; }

    protected abstract Optimizer<float> Updater { get; }

    /// <summary>Saves parameters and optimizer state with the episodes done.</summary>
    public void Checkpoint(string path, long episodes) => SeqGen.IO.Checkpoint.Save(path, Trained, Updater, step: episodes);

    /// <summary>Restores a checkpoint; returns the episodes it had done.</summary>
    public long Restore(string path) => SeqGen.IO.Checkpoint.Load(path, Trained, Updater);

    public abstract Span<float> Input(bool longer);

    /// <summary>Forward (and, when learning, backward and an optimiser step); returns the episode's cost in bits and its wrong bits.</summary>
    public (double Bits, double Wrong) Run(NtmEpisode episode, bool longer, ReadOnlySpan<float> target, bool learn)
    {
        Forward(episode.Steps, longer);
        var cost = Cost(Logits(episode.Steps, longer), LogitGradient(episode.Steps, longer), episode.OutputFrom * Task.Outputs, episode.OutputSteps * Task.Outputs, target, _gradient);
        if (learn)
            Learn(episode.Steps);
        return cost;
    }

    protected abstract void Forward(int steps, bool longer);

    protected abstract Span<float> Logits(int steps, bool longer);

    protected abstract Span<float> LogitGradient(int steps, bool longer);

    protected abstract void Learn(int steps);

    // Cross-entropy (bits) and wrong bits (thresholded at ½) of the logits [outputStart, outputStart + count);
    // writes the logits' gradient of the mean BCE over those bits, as the PyTorch implementation trains.
    internal static (double Bits, double Wrong) Cost(ReadOnlySpan<float> allLogits, Span<float> logitGradient, int outputStart, int count, ReadOnlySpan<float> target, Span<float> gradient)
    {
        ReadOnlySpan<float> logits = allLogits.Slice(outputStart, count);
        logitGradient.Clear();
        double mean = double.CreateChecked(Losses.SigmoidBinaryCrossEntropy<float>(logits, target.Slice(0, count), gradient.Slice(0, count)));
        gradient.Slice(0, count).CopyTo(logitGradient.Slice(outputStart, count));
        int wrong = 0;
        for (int i = 0; i < count; i++)
            wrong += (logits[i] > 0 ? 1 : 0) != (int)target[i] ? 1 : 0;
        return (mean * count / Math.Log(2), wrong);
    }
}

/// <summary>The machine of the paper: memory 128 × 20, a controller of 100 (LSTM or feed-forward), one read and one write head.</summary>
internal sealed class NtmLearner : EpisodeLearner
{
    public const int Slots = 128, Width = 20, Controller = 100;

    private readonly NeuralTuringMachine<float> _ntm;
    private readonly RmsProp<float> _optimizer;
    private readonly NtmWorkspace<float> _workspace, _longer;
    private readonly bool _feedForward;

    public NtmLearner(NtmTask task, int seed, bool feedForward) : base(task)
    {
        _feedForward = feedForward;
        RecurrentCellBase<float> controller = feedForward
            ? new FeedForwardController(task.Inputs + Width, Controller, seed: seed)
            : new Lstm(task.Inputs + Width, Controller, seed: seed);
        _ntm = new NeuralTuringMachine<float>(controller, task.Inputs, task.Outputs, Slots, Width, seed: seed + 1);
        _optimizer = new RmsProp<float>(_ntm, learningRate: LearningRate, alpha: Alpha, momentum: Momentum);
        _workspace = _ntm.CreateWorkspace(task.MaxSteps, 1);
        _longer = _ntm.CreateWorkspace(task.LongerMaxSteps, 1);
    }

    public override string Model => _feedForward ? "NTM, feed-forward controller" : "NTM";

    protected override SeqGen.Model.Module<float> Trained => _ntm;

    protected override Optimizer<float> Updater => _optimizer;

    public NtmWorkspace<float> Workspace => _workspace;

    /// <summary>Writes the machine's weights with the metadata seqgen-infer --ntm rebuilds it from.</summary>
    public void Save(string path)
    {
        string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var metadata = new System.Collections.Generic.Dictionary<string, string>
        {
            ["model"] = "ntm",
            ["task"] = Task.Name,
            ["controller"] = _feedForward ? "FeedForwardController" : "Lstm",
            ["controller_hidden"] = Text(Controller),
            ["inputs"] = Text(Task.Inputs),
            ["outputs"] = Text(Task.Outputs),
            ["slots"] = Text(Slots),
            ["width"] = Text(Width),
        };
        SeqGen.IO.Weights.Save(path, _ntm, metadata);
    }

    public override Span<float> Input(bool longer) => (longer ? _longer : _workspace).Input;

    protected override void Forward(int steps, bool longer) => _ntm.Forward(longer ? _longer : _workspace, steps);

    protected override Span<float> Logits(int steps, bool longer) => (longer ? _longer : _workspace).Logits;

    protected override Span<float> LogitGradient(int steps, bool longer) => (longer ? _longer : _workspace).LogitGradient;

    protected override void Learn(int steps)
    {
        _ntm.ZeroGradients();
        _ntm.Backward(_workspace);
        GradientClipping.ByValue(_ntm, Clamp);
        _optimizer.Step();
    }
}

/// <summary>The baseline without external memory: an LSTM of 256 and a linear read-out, same episodes, optimiser and budget.</summary>
internal sealed class LstmLearner : EpisodeLearner
{
    public const int Hidden = 256;

    private readonly RecurrentStack<float> _stack;
    private readonly Linear<float> _head;
    private readonly ModuleDict<float> _model;
    private readonly RmsProp<float> _optimizer;
    private readonly StackWorkspace<float> _workspace;
    private readonly float[] _logits, _logitGradient;

    public LstmLearner(NtmTask task, int seed) : base(task)
    {
        _stack = new RecurrentStack<float>((layer, direction, input) => new Lstm(input, Hidden, seed: seed), inputSize: task.Inputs, layers: 1);
        _head = new Linear<float>(Hidden, task.Outputs, seed: seed + 1);
        _model = new ModuleDict<float> { ["lstm"] = _stack, ["head"] = _head };
        _optimizer = new RmsProp<float>(_model, learningRate: LearningRate, alpha: Alpha, momentum: Momentum);
        // One workspace sized for the longest episodes serves both.
        _workspace = _stack.CreateWorkspace(task.LongerMaxSteps, 1);
        _logits = new float[task.LongerMaxSteps * task.Outputs];
        _logitGradient = new float[task.LongerMaxSteps * task.Outputs];
    }

    public override string Model => $"LSTM {Hidden}";

    protected override SeqGen.Model.Module<float> Trained => _model;

    protected override Optimizer<float> Updater => _optimizer;

    public override Span<float> Input(bool longer) => _workspace.Input;

    protected override void Forward(int steps, bool longer)
    {
        _stack.Forward(_workspace, steps);
        _head.Forward(_workspace.Output(steps), Logits(steps, longer), steps);
    }

    protected override Span<float> Logits(int steps, bool longer) => _logits.AsSpan(0, steps * Task.Outputs);

    protected override Span<float> LogitGradient(int steps, bool longer) => _logitGradient.AsSpan(0, steps * Task.Outputs);

    protected override void Learn(int steps)
    {
        _model.ZeroGradients();
        _head.Backward(_workspace.Output(steps), _logitGradient.AsSpan(0, steps * Task.Outputs), _workspace.OutputGradient(steps), steps);
        _stack.Backward(_workspace, steps);
        GradientClipping.ByValue(_model, Clamp);
        _optimizer.Step();
    }
}
