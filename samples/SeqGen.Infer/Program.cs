using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Runners;

// seqgen-infer: runs a recurrent network saved by PyTorch (a state_dict of nn.RNN, nn.GRU or
// nn.LSTM as safetensors) over a sequence, as one small native executable.
long started = Stopwatch.GetTimestamp();
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    var options = Options.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(Options.Usage);
        return 0;
    }
    if (options.Seq2Seq is { } seq2seqModel)
        return Seq2SeqMode.Run(seq2seqModel, options.Source ?? throw new ArgumentException("--seq2seq needs --source TEXT."), options.Beam);
    if (options.Ntm is { } ntmModel)
        return NtmMode.Run(ntmModel, options.Bits ?? throw new ArgumentException("--ntm needs --bits VECTORS."), options.Copies);
    IReadOnlyDictionary<string, SafeTensor> weights = SafeTensors.Read(options.Weights);
    TorchModule module = options.Module;
    int gates = module switch { TorchModule.Gru => 3, TorchModule.Lstm => 4, _ => 1 };
    if (!weights.TryGetValue("weight_ih_l0", out SafeTensor? first) || first.Shape.Length != 2)
        throw new InvalidDataException($"{options.Weights} has no weight_ih_l0 matrix; is it an nn.RNN, nn.GRU or nn.LSTM state_dict?");
    if (first.Shape[0] % gates != 0)
        throw new InvalidDataException($"weight_ih_l0 has {first.Shape[0]} rows, not a multiple of the {gates} gate(s) of {module}: was the model saved from another module?");
    int hidden = first.Shape[0] / gates, inputSize = first.Shape[1];
    int layers = 0;
    while (weights.ContainsKey($"weight_ih_l{layers}"))
        layers++;
    bool bidirectional = weights.ContainsKey("weight_ih_l0_reverse");
    var stack = new RecurrentStack<float>((l, d, size) => module switch
    {
        TorchModule.Gru => new Gru(size, hidden),
        TorchModule.Lstm => new Lstm(size, hidden),
        TorchModule.RnnRelu => new ElmanReluRnn(size, hidden),
        _ => (RecurrentCellBase<float>)new ElmanRnn(size, hidden),
    }, inputSize, layers, bidirectional);
    TorchWeights.Import(stack, module, weights);

    float[][] rows = options.ReadInput(inputSize);
    var ws = stack.CreateWorkspace(rows.Length, batch: 1);
    for (int t = 0; t < rows.Length; t++)
        rows[t].CopyTo(ws.Input.Slice(t * inputSize, inputSize));
    long computeStart = Stopwatch.GetTimestamp();
    stack.Forward(ws, rows.Length);
    TimeSpan compute = Stopwatch.GetElapsedTime(computeStart);

    Console.WriteLine($"{module} · {layers} layer(s){(bidirectional ? " · bidirectional" : "")} · input {inputSize} · hidden {hidden} · {rows.Length} step(s) · Vector<float>.Count {System.Numerics.Vector<float>.Count}");
    ReadOnlySpan<float> output = ws.Output(rows.Length);
    int width = stack.OutputSize;
    for (int t = 0; t < rows.Length; t++)
    {
        var line = new System.Text.StringBuilder($"t={t,-3}");
        for (int j = 0; j < width; j++)
            line.Append(' ').Append(output[t * width + j].ToString("+0.0000;-0.0000"));
        Console.WriteLine(line);
    }
    Console.WriteLine($"forward {compute.TotalMilliseconds:F3} ms; process {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms since start");
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or FormatException or UnauthorizedAccessException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

internal sealed class Options
{
    public const string Usage = """
        usage: seqgen-infer --weights MODEL.safetensors --module gru|lstm|rnn-tanh|rnn-relu (--input FILE | --values ROWS)
               seqgen-infer --seq2seq MODEL.safetensors --source TEXT [--beam K]
               seqgen-infer --ntm MODEL.safetensors --bits VECTORS [--copies N]
          --weights  a PyTorch state_dict (weight_ih_l0, ...) saved with safetensors
          --module   which PyTorch module wrote it
          --input    a text file, one time step per line, features separated by commas or spaces
          --values   the steps inline: "0.1,0.2,0.3;0.4,0.5,0.6" (';' between steps)
          --seq2seq  an encoder-decoder saved by the lab's --seq2seq (seq2seq-TASK.safetensors)
          --source   the text to decode from; --beam K searches K hypotheses (default 1: greedy)
          --ntm      a Neural Turing Machine saved by the lab's --ntm (ntm-copy.safetensors, ntm-repeat-copy.safetensors)
          --bits     the vectors to copy, comma-separated: "10110010,01100110"; --copies N for repeat copy
        """;

    public string Weights { get; private set; } = "";
    public TorchModule Module { get; private set; }
    public string? InputFile { get; private set; }
    public string? Values { get; private set; }
    public bool Help { get; private set; }
    public string? Seq2Seq { get; private set; }
    public string? Source { get; private set; }
    public int Beam { get; private set; } = 1;
    public string? Ntm { get; private set; }
    public string? Bits { get; private set; }
    public int Copies { get; private set; } = 1;

    public static Options Parse(string[] args)
    {
        var options = new Options();
        string? module = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--weights": options.Weights = Next(); break;
                case "--module": module = Next(); break;
                case "--input": options.InputFile = Next(); break;
                case "--values": options.Values = Next(); break;
                case "-h" or "--help": options.Help = true; break;
                case "--seq2seq": options.Seq2Seq = Next(); break;
                case "--source": options.Source = Next(); break;
                case "--ntm": options.Ntm = Next(); break;
                case "--bits": options.Bits = Next(); break;
                case "--copies":
                    options.Copies = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out int copies) && copies > 0
                        ? copies : throw new ArgumentException("--copies needs a positive integer.");
                    break;
                case "--beam":
                    options.Beam = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out int beam) && beam > 0
                        ? beam : throw new ArgumentException("--beam needs a positive integer.");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'; see --help.");
            }
        }
        if (options.Help || options.Seq2Seq is not null || options.Ntm is not null)
            return options;
        if (options.Weights.Length == 0)
            throw new ArgumentException("--weights is required; see --help.");
        options.Module = module switch
        {
            "gru" => TorchModule.Gru,
            "lstm" => TorchModule.Lstm,
            "rnn-tanh" or "rnn" => TorchModule.RnnTanh,
            "rnn-relu" => TorchModule.RnnRelu,
            null => throw new ArgumentException("--module is required (gru, lstm, rnn-tanh or rnn-relu)."),
            _ => throw new ArgumentException($"--module '{module}' is not one of gru, lstm, rnn-tanh, rnn-relu."),
        };
        if ((options.InputFile is null) == (options.Values is null))
            throw new ArgumentException("give the sequence with exactly one of --input FILE or --values ROWS.");
        return options;
    }

    public float[][] ReadInput(int features)
    {
        string[] lines = InputFile is not null ? File.ReadAllLines(InputFile) : Values!.Split(';');
        var rows = new List<float[]>();
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            string[] parts = line.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != features)
                throw new FormatException($"step {rows.Count + 1} has {parts.Length} values; the model takes {features} features per step.");
            var row = new float[features];
            for (int j = 0; j < features; j++)
            {
                if (!float.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]))
                    throw new FormatException($"step {rows.Count + 1}: '{parts[j]}' is not a number.");
            }
            rows.Add(row);
        }
        if (rows.Count == 0)
            throw new FormatException("the input sequence is empty.");
        return rows.ToArray();
    }
}
