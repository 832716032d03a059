using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;
using SeqGen.Numerics;
using SeqGen.Runners;
using SeqGen.Training;

namespace SeqGen.Lab;

/// <summary>
/// Character-level language modelling as char-rnn trains it: an embedding, a stack of LSTMs and a
/// linear read-out, the next character the target at every step; the training text cut into
/// <c>batch</c> contiguous streams read chunk by chunk with the state carried from chunk to chunk
/// (truncated BPTT); Adam 2e-3 decayed by 0.97 per epoch after the tenth, gradients clipped to
/// global norm 5. The first 90 % of the file trains, the last 10 % validates, read the same way.
/// </summary>
internal sealed class TextModel
{
    public sealed record Settings(int Layers = 2, int Hidden = 128, int Embedding = 64, int Chunk = 50, int Batch = 50, double LearningRate = 2e-3, double Clip = 5, double Dropout = 0, double Validation = 0.1, int Seed = 1);

    public sealed record Result(List<(double Epoch, double Validation)> Curve, double Seconds, double CharactersPerSecond, bool Interrupted = false);

    private readonly int[] _codes;
    private readonly int _split;
    private readonly Settings _settings;
    private readonly Embedding<float> _embedding;
    private readonly RecurrentStack<float> _stack;
    private readonly Linear<float> _head;
    private readonly ModuleDict<float> _model;
    // Training carries its state from chunk to chunk; validation reads in its own workspace so it never disturbs that state.
    private readonly StackWorkspace<float> _ws, _validation;
    private readonly int[] _ids, _targets;
    private readonly float[] _logits, _dLogits;

    public TextModel(string text, Settings settings)
    {
        _settings = settings;
        var alphabet = new SortedSet<char>(text);
        Alphabet = new List<char>(alphabet).ToArray();
        var index = new Dictionary<char, int>();
        for (int i = 0; i < Alphabet.Length; i++)
            index[Alphabet[i]] = i;
        _codes = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
            _codes[i] = index[text[i]];
        _split = (int)(text.Length * (1 - settings.Validation));
        int minimum = 2 * settings.Batch * (settings.Chunk + 1);
        // The validation split alone must fill a batch of streams twice.
        int required = (int)Math.Ceiling(minimum / settings.Validation);
        if (text.Length < required)
            throw new ArgumentException($"--text: the text has {text.Length} characters; batches of {settings.Batch} streams of chunks of {settings.Chunk} need at least {required}.");
        int vocabulary = Alphabet.Length;
        _embedding = new Embedding<float>(vocabulary, settings.Embedding, seed: settings.Seed);
        _stack = new RecurrentStack<float>((layer, direction, input) => new Lstm(input, settings.Hidden, seed: settings.Seed + 1 + layer), settings.Embedding, settings.Layers, dropout: settings.Dropout, seed: settings.Seed + 20);
        _head = new Linear<float>(settings.Hidden, vocabulary, seed: settings.Seed + 10);
        _model = new ModuleDict<float> { ["embedding"] = _embedding, ["lstm"] = _stack, ["head"] = _head };
        _ws = _stack.CreateWorkspace(settings.Chunk, settings.Batch);
        _validation = _stack.CreateWorkspace(settings.Chunk, settings.Batch);
        _ids = new int[settings.Chunk * settings.Batch];
        _targets = new int[settings.Chunk * settings.Batch];
        _logits = new float[settings.Chunk * settings.Batch * vocabulary];
        _dLogits = new float[_logits.Length];
    }

    public char[] Alphabet { get; }

    public ModuleDict<float> Model => _model;

    /// <summary>Chunks per pass over a split: each of the batch's streams holds a contiguous run of the split.</summary>
    private int Chunks(int from, int to) => ((to - from - 1) / _settings.Batch) / _settings.Chunk;

    // Chunk k of every stream of [from, to): ids and next-character targets, time-major [chunk, batch].
    private void FillChunk(int from, int to, int k)
    {
        int stream = (to - from - 1) / _settings.Batch;
        for (int t = 0; t < _settings.Chunk; t++)
        {
            for (int b = 0; b < _settings.Batch; b++)
            {
                int at = from + b * stream + k * _settings.Chunk + t;
                _ids[t * _settings.Batch + b] = _codes[at];
                _targets[t * _settings.Batch + b] = _codes[at + 1];
            }
        }
    }

    private double Forward(StackWorkspace<float> ws)
    {
        int steps = _settings.Chunk, rows = steps * _settings.Batch;
        _embedding.Forward(_ids, ws.Input.Slice(0, rows * _settings.Embedding));
        _stack.Forward(ws, steps);
        _head.Forward(ws.Output(steps), _logits, rows);
        return double.CreateChecked(Losses.SoftmaxCrossEntropy<float>(_logits, _targets, Alphabet.Length, _dLogits));
    }

    /// <summary>Mean cross-entropy (nats per character) over the whole validation split, read as one long stream per batch row.</summary>
    public double Validate()
    {
        bool training = _model.IsTraining;
        _model.Eval();
        _validation.ResetStates();
        int chunks = Chunks(_split, _codes.Length);
        double total = 0;
        for (int k = 0; k < chunks; k++)
        {
            FillChunk(_split, _codes.Length, k);
            total += Forward(_validation);
            _validation.CarryStates();
        }
        if (training)
            _model.Train();
        return total / chunks;
    }

    public static int Run(string path, Settings settings, int epochs, int sampleLength, double temperature, string folder, CancellationToken token = default, bool resume = false)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"--text: no file at '{path}'.", path);
        var model = new TextModel(File.ReadAllText(path), settings);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Text {Path.GetFileName(path)}: {model._codes.Length} characters, {model.Alphabet.Length} distinct; embedding {settings.Embedding}, {settings.Layers} x LSTM {settings.Hidden}, chunks of {settings.Chunk} in {settings.Batch} streams, Adam {settings.LearningRate}, clip {settings.Clip}, dropout {settings.Dropout} between layers, {epochs} epochs; validation before training {model.Validate():F3} nats per character."));
        Result result = model.Train(epochs, Console.WriteLine, token, Path.Combine(folder, "checkpoints"), resume);
        if (result.Interrupted)
        {
            Console.WriteLine($"Interrupted: saved the text run in {Path.Combine(folder, "checkpoints")}; rerun with the same options and --resume to continue exactly.");
            return 130;
        }
        string sample = sampleLength == 0 ? "" : model.Sample(sampleLength, temperature, new SeededRandom(settings.Seed));
        var (_, final) = result.Curve[^1];
        double best = double.PositiveInfinity;
        foreach (var (_, v) in result.Curve)
            best = Math.Min(best, v);
        var report = new StringBuilder();
        report.AppendLine($"# Character-level language model: {Path.GetFileName(path)}");
        report.AppendLine();
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Embedding {settings.Embedding}, {settings.Layers} x LSTM {settings.Hidden}, linear read-out; the first {100 * (1 - settings.Validation):F0} % trains in {settings.Batch} contiguous streams read in chunks of {settings.Chunk} with the state carried (truncated BPTT), the last {100 * settings.Validation:F0} % validates the same way; Adam {settings.LearningRate} decayed by 0.97 per epoch after the tenth, gradients clipped to global norm {settings.Clip}, dropout {settings.Dropout} between the LSTM layers; seed {settings.Seed}."));
        report.AppendLine();
        report.AppendLine("| epochs | validation (nats per character) | best | bits per character | training time | characters per second (training) |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {epochs} | {final:F3} | {best:F3} | {final / Math.Log(2):F3} | {result.Seconds:F0} s | {result.CharactersPerSecond:F0} |"));
        report.AppendLine();
        report.AppendLine("![validation loss](text-validation.png)");
        if (sample.Length > 0)
        {
            report.AppendLine();
            report.AppendLine($"Sampled at temperature {temperature.ToString(CultureInfo.InvariantCulture)}:");
            report.AppendLine();
            report.AppendLine("```text");
            report.AppendLine(sample);
            report.AppendLine("```");
        }
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "text.md"), report.ToString());
        Charts.Curve(result.Curve, $"{Path.GetFileName(path)}, {settings.Layers} x LSTM {settings.Hidden}, seed {settings.Seed}: validation loss", "epoch", "nats per character", "Lstm", Path.Combine(folder, "text-validation.png"));
        Console.Write(report);
        return 0;
    }

    /// <summary>Where a stopped run continues: the next epoch and chunk, and what was measured so far.</summary>
    private sealed class Progress
    {
        public string Settings { get; set; } = "";
        public int Epoch { get; set; }
        public int Chunk { get; set; }
        public double Running { get; set; }
        public double LearningRate { get; set; }
        public double TrainingSeconds { get; set; }
        public long Characters { get; set; }
        public double[] CurveEpochs { get; set; } = [];
        public double[] CurveLosses { get; set; } = [];
    }

    /// <summary>
    /// Trains for <paramref name="epochs"/>. A cancelled <paramref name="token"/> stops before the
    /// next chunk and, with a <paramref name="saveFolder"/>, saves everything a resumed run needs
    /// — the parameters, Adam's moments, the dropout source, the state carried into the next
    /// chunk and the curve so far — so that <paramref name="resume"/> continues exactly.
    /// </summary>
    public Result Train(int epochs, Action<string>? report = null, CancellationToken token = default, string? saveFolder = null, bool resume = false)
    {
        var optimizer = new Adam<float>(_model, _settings.LearningRate);
        var curve = new List<(double, double)>();
        int chunks = Chunks(0, _split), every = Math.Max(1, chunks / 4);
        var clock = Stopwatch.StartNew();
        double trainingSeconds = 0, running = 0;
        long characters = 0;
        int firstEpoch = 0, firstChunk = 0;
        string checkpoint = Path.Combine(saveFolder ?? ".", "text.ckpt"), states = Path.Combine(saveFolder ?? ".", "text-states.safetensors"), progressPath = Path.Combine(saveFolder ?? ".", "text-run.json");
        if (resume)
        {
            if (saveFolder is null || !File.Exists(progressPath))
                throw new ArgumentException($"--resume: there is no stopped text run in {saveFolder}.");
            Progress saved = SavedJson.Read<Progress>(progressPath);
            if (saved.Settings != _settings.ToString())
                throw new ArgumentException($"--resume: the text run was saved with {saved.Settings}; this one has {_settings}.");
            Checkpoint.Load(checkpoint, _model, optimizer, _stack.DropoutRandom);
            var carried = SafeTensors.Read(states);
            ForEachState((name, span) =>
            {
                double[] values = carried.TryGetValue(name, out SafeTensor? tensor) && tensor.Values.Length == span.Length
                    ? tensor.Values : throw new InvalidDataException($"{states} has no carried state '{name}' of {span.Length} values.");
                for (int i = 0; i < span.Length; i++)
                    span[i] = (float)values[i];
            });
            (firstEpoch, firstChunk, running, trainingSeconds, characters) = (saved.Epoch, saved.Chunk, saved.Running, saved.TrainingSeconds, saved.Characters);
            optimizer.LearningRate = saved.LearningRate;
            for (int i = 0; i < saved.CurveEpochs.Length; i++)
                curve.Add((saved.CurveEpochs[i], saved.CurveLosses[i]));
        }
        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            bool continuing = epoch == firstEpoch && firstChunk > 0;
            if (!continuing)
            {
                if (epoch >= 10)
                    optimizer.LearningRate *= 0.97;
                _ws.ResetStates();
                running = 0;
            }
            var epochClock = Stopwatch.StartNew();
            for (int k = continuing ? firstChunk : 0; k < chunks; k++)
            {
                if (token.IsCancellationRequested)
                {
                    trainingSeconds += epochClock.Elapsed.TotalSeconds;
                    if (saveFolder is not null)
                        Save(saveFolder, checkpoint, states, progressPath, optimizer, new Progress
                        {
                            Settings = _settings.ToString(), Epoch = epoch, Chunk = k, Running = running, LearningRate = optimizer.LearningRate,
                            TrainingSeconds = trainingSeconds, Characters = characters,
                            CurveEpochs = curve.ConvertAll(c => c.Item1).ToArray(), CurveLosses = curve.ConvertAll(c => c.Item2).ToArray(),
                        }, (long)epoch * chunks + k);
                    return new Result(curve, clock.Elapsed.TotalSeconds, characters / Math.Max(trainingSeconds, 1e-9), Interrupted: true);
                }
                FillChunk(0, _split, k);
                _model.ZeroGradients();
                running += Forward(_ws);
                int rows = _settings.Chunk * _settings.Batch;
                _head.Backward(_ws.Output(_settings.Chunk), _dLogits, _ws.OutputGradient(_settings.Chunk), rows);
                _stack.Backward(_ws, _settings.Chunk);
                _embedding.Backward(_ids, _ws.InputGradient.Slice(0, rows * _settings.Embedding));
                GradientClipping.ByGlobalNorm(_model, _settings.Clip);
                optimizer.Step();
                _ws.CarryStates();
                characters += rows;
                if ((k + 1) % every == 0 && k + 1 < chunks)
                {
                    trainingSeconds += epochClock.Elapsed.TotalSeconds;
                    double validation = Validate();
                    curve.Add((epoch + (k + 1.0) / chunks, validation));
                    report?.Invoke(string.Create(CultureInfo.InvariantCulture, $"text epoch {epoch + (k + 1.0) / chunks:F2}: training {running / (k + 1):F3}, validation {validation:F3} nats per character"));
                    epochClock.Restart();
                }
            }
            trainingSeconds += epochClock.Elapsed.TotalSeconds;
            double end = Validate();
            curve.Add((epoch + 1, end));
            report?.Invoke(string.Create(CultureInfo.InvariantCulture, $"text epoch {epoch + 1}: training {running / chunks:F3}, validation {end:F3} nats per character, {clock.Elapsed.TotalSeconds:F0} s"));
        }
        if (saveFolder is not null && File.Exists(progressPath))
            File.Delete(progressPath);
        return new Result(curve, clock.Elapsed.TotalSeconds, characters / Math.Max(trainingSeconds, 1e-9));
    }

    // Every state the training workspace carries into its next chunk, by a stable name.
    private void ForEachState(Action<string, Span<float>> visit)
    {
        for (int l = 0; l < _stack.Layers; l++)
            for (int d = 0; d < _stack.Directions; d++)
                for (int s = 0; s < _stack.Cell(l, d).StateCount; s++)
                    visit($"layer{l}.{d}.{s}", _ws.InitialState(l, d, s));
    }

    private void Save(string folder, string checkpoint, string states, string progressPath, Adam<float> optimizer, Progress progress, long step)
    {
        Directory.CreateDirectory(folder);
        Checkpoint.Save(checkpoint, _model, optimizer, _stack.DropoutRandom, step);
        var carried = new List<SafeTensor>();
        ForEachState((name, span) => carried.Add(new SafeTensor(name, "F32", new[] { span.Length }, Array.ConvertAll(span.ToArray(), v => (double)v))));
        SafeTensors.Write(states, carried, asFloat32: true);
        SavedJson.Write(progressPath, progress);
    }

    /// <summary>Streams the trained model one character at a time, sampling each next one at <paramref name="temperature"/>.</summary>
    public string Sample(int count, double temperature, SeededRandom random)
    {
        _model.Eval();
        StackStream<float> stream = _stack.CreateStream(1);
        var logits = new float[Alphabet.Length];
        var embedded = new float[_settings.Embedding];
        var text = new StringBuilder();
        int current = _codes[_split];
        for (int i = 0; i < count; i++)
        {
            _embedding.Forward([current], embedded);
            embedded.CopyTo(stream.Input);
            _stack.Step(stream);
            _head.Forward(stream.Output, logits, 1);
            current = Draw(logits, temperature, random);
            text.Append(Alphabet[current]);
        }
        return text.ToString();
    }

    internal static int Draw(ReadOnlySpan<float> logits, double temperature, SeededRandom random)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float logit in logits)
            max = Math.Max(max, logit / temperature);
        Span<double> p = stackalloc double[logits.Length];
        for (int c = 0; c < logits.Length; c++)
            sum += p[c] = Math.Exp(logits[c] / temperature - max);
        double draw = random.NextDouble() * sum;
        for (int c = 0; c < p.Length; c++)
        {
            draw -= p[c];
            if (draw <= 0)
                return c;
        }
        return p.Length - 1;
    }
}
