using System;
using System.IO;
using SeqGen.Cells;
using SeqGen.IO;
using SeqGen.Model;
using SeqGen.Modules;

/// <summary>
/// seqgen-infer --ntm: runs a Neural Turing Machine the lab trained on copy or repeat copy (weights
/// by name, and metadata naming the controller and sizes) on bit vectors given on the command line,
/// and prints what it writes back, one vector per line.
/// </summary>
internal static class NtmMode
{
    public static int Run(string path, string bits, int copies)
    {
        var meta = new SavedMetadata(path, "--ntm");
        string Get(string key) => meta.Get(key);
        int Number(string key) => meta.Number(key, 4096);
        if (Get("model") != "ntm")
            throw new InvalidDataException($"{path} holds a {Get("model")}, not a Neural Turing Machine.");
        string task = Get("task");
        if (task is not ("copy" or "repeat-copy"))
            throw new InvalidDataException($"{path} was trained on {task}; this tool runs copy and repeat-copy machines.");
        int inputs = Number("inputs"), outputs = Number("outputs"), hidden = Number("controller_hidden"), slots = Number("slots"), width = Number("width");
        int vectorBits = task == "copy" ? outputs : outputs - 1;
        if (inputs != (task == "copy" ? vectorBits + 1 : vectorBits + 2))
            throw new InvalidDataException($"{path}: {inputs} inputs and {outputs} outputs do not fit a {task} machine.");
        RecurrentCellBase<float> controller = Get("controller") switch
        {
            "Lstm" => new Lstm(inputs + width, hidden),
            "FeedForwardController" => new FeedForwardController(inputs + width, hidden),
            var other => throw new InvalidDataException($"{path}: unknown controller '{other}'."),
        };
        var ntm = new NeuralTuringMachine<float>(controller, inputs, outputs, slots, width);
        Weights.Load(path, ntm);

        string[] vectors = bits.Split(',', StringSplitOptions.TrimEntries);
        foreach (string vector in vectors)
        {
            if (vector.Length != vectorBits || vector.AsSpan().IndexOfAnyExcept('0', '1') >= 0)
                throw new ArgumentException($"--bits: '{vector}' is not {vectorBits} characters of 0 and 1.");
        }
        if (task == "copy" && copies != 1)
            throw new ArgumentException("--copies is for repeat-copy machines.");
        if (copies < 1 || copies > 20)
            throw new ArgumentException("--copies must be from 1 to 20.");
        int length = vectors.Length, delimiterSteps = task == "copy" ? 1 : 2;
        int outputSteps = task == "copy" ? length : length * copies + 1;
        int steps = length + delimiterSteps + outputSteps;
        var ws = ntm.CreateWorkspace(steps, 1);
        Span<float> input = ws.Input;
        input.Slice(0, steps * inputs).Clear();
        for (int t = 0; t < length; t++)
        {
            for (int j = 0; j < vectorBits; j++)
                input[t * inputs + j] = vectors[t][j] - '0';
        }
        input[length * inputs + vectorBits] = 1;
        // As the lab's repeat copy: the count normalised over 1..10 copies, on its own channel.
        if (task == "repeat-copy")
            input[(length + 1) * inputs + vectorBits + 1] = (float)((copies - 5.5) / Math.Sqrt(99 / 12.0));
        ntm.Forward(ws, steps);
        ReadOnlySpan<float> logits = ws.Logits;
        var line = new char[outputs];
        for (int t = steps - outputSteps; t < steps; t++)
        {
            for (int j = 0; j < outputs; j++)
                line[j] = logits[t * outputs + j] > 0 ? '1' : '0';
            Console.WriteLine(task == "copy" ? new string(line) : $"{new string(line, 0, vectorBits)} end {line[vectorBits]}");
        }
        return 0;
    }
}
