using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using SeqGen.Model;
using SeqGen.Runners;

namespace SeqGen.IO;

/// <summary>The PyTorch modules whose state_dict maps onto SeqGen's stock cells.</summary>
public enum TorchModule
{
    /// <summary>nn.RNN(nonlinearity='tanh') or nn.RNNCell → ElmanRnn.</summary>
    RnnTanh,
    /// <summary>nn.RNN(nonlinearity='relu') → ElmanReluRnn.</summary>
    RnnRelu,
    /// <summary>nn.GRU or nn.GRUCell → Gru (reset after the recurrent product, two biases).</summary>
    Gru,
    /// <summary>nn.LSTM or nn.LSTMCell → Lstm (gate blocks i, f, g, o; the two biases summed).</summary>
    Lstm,
}

/// <summary>
/// Imports PyTorch weights (a state_dict saved as safetensors) into stock cells and stacks, and
/// exports them back under PyTorch's names. Gate blocks are split and joined in PyTorch's order;
/// where PyTorch has two biases and the cell one, the cell's is their sum (and exports as
/// bias_ih, with bias_hh zero).
/// </summary>
public static class TorchWeights
{
    private static (string[] Gates, bool TwoBiases) Layout(TorchModule module) => module switch
    {
        TorchModule.Gru => (new[] { "r", "z", "n" }, true),
        TorchModule.Lstm => (new[] { "i", "f", "g", "o" }, false),
        _ => (new[] { "" }, false),
    };

    private static string Name(string prefix, string gate) => gate.Length == 0 ? prefix : prefix + "_" + gate;

    /// <summary>Loads one layer (names ending in <paramref name="suffix"/>, e.g. "_l1_reverse"; "" for a cell module).</summary>
    public static void Import<T>(RecurrentCellBase<T> cell, TorchModule module, IReadOnlyDictionary<string, SafeTensor> tensors, string suffix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problems = new List<string>();
        ImportLayer(cell, module, tensors, suffix, problems);
        ThrowIfAny(problems);
    }

    /// <summary>Loads every layer and direction of a stack from nn.RNN/GRU/LSTM names (weight_ih_l0, …_reverse).</summary>
    public static void Import<T>(RecurrentStack<T> stack, TorchModule module, IReadOnlyDictionary<string, SafeTensor> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problems = new List<string>();
        for (int l = 0; l < stack.Layers; l++)
        {
            for (int d = 0; d < stack.Directions; d++)
                ImportLayer(stack.Cell(l, d), module, tensors, Suffix(l, d), problems);
        }
        ThrowIfAny(problems);
    }

    /// <summary>Reads a safetensors state_dict and loads it into a stack.</summary>
    public static void Import<T>(RecurrentStack<T> stack, TorchModule module, string path)
        where T : unmanaged, IFloatingPointIeee754<T> => Import(stack, module, SafeTensors.Read(path));

    /// <summary>The stack's weights under PyTorch's names, ready for <see cref="SafeTensors.Write(string, IReadOnlyList{SafeTensor}, bool, IReadOnlyDictionary{string, string}?, bool)"/>.</summary>
    public static List<SafeTensor> Export<T>(RecurrentStack<T> stack, TorchModule module)
        where T : unmanaged, IFloatingPointIeee754<T> => ExportAll(stack, module, gradients: false);

    /// <summary>
    /// The stack's parameter gradients under PyTorch's names: what PyTorch's .grad would hold. A
    /// summed bias's gradient is the gradient of each of PyTorch's two.
    /// </summary>
    public static List<SafeTensor> ExportGradients<T>(RecurrentStack<T> stack, TorchModule module)
        where T : unmanaged, IFloatingPointIeee754<T> => ExportAll(stack, module, gradients: true);

    private static List<SafeTensor> ExportAll<T>(RecurrentStack<T> stack, TorchModule module, bool gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensors = new List<SafeTensor>();
        for (int l = 0; l < stack.Layers; l++)
        {
            for (int d = 0; d < stack.Directions; d++)
                tensors.AddRange(ExportLayer(stack.Cell(l, d), module, Suffix(l, d), gradients));
        }
        return tensors;
    }

    /// <summary>
    /// Loads a PyTorch <c>state_dict</c> of a whole model into a module tree, by the same names:
    /// a module at path <c>encoder</c> reads <c>encoder.*</c>. A <see cref="RecurrentStack{T}"/>
    /// reads nn.LSTM/GRU/RNN names (<c>encoder.weight_ih_l0_reverse</c>) and a lone recurrent cell
    /// its cell module's (<c>cell.weight_ih</c>), both of kind <paramref name="recurrent"/>; every
    /// other parameter is read under its own name, as PyTorch's nn.Linear and nn.Embedding name
    /// theirs (<c>embedding.weight</c>, <c>head.0.bias</c> for an nn.Sequential head). Every
    /// missing, misshapen and unexpected tensor is listed before anything is loaded.
    /// </summary>
    public static void Import<T>(Module<T> model, TorchModule recurrent, IReadOnlyDictionary<string, SafeTensor> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        ImportTree(model, "", recurrent, tensors, problems, used, apply: false);
        var unexpected = new List<string>();
        foreach (string name in tensors.Keys)
        {
            if (!used.Contains(name))
                unexpected.Add(name);
        }
        unexpected.Sort(StringComparer.Ordinal);
        foreach (string name in unexpected)
            problems.Add($"unexpected tensor '{name}'");
        ThrowIfAny(problems);
        ImportTree(model, "", recurrent, tensors, problems, used, apply: true);
    }

    /// <summary>A whole model's weights under PyTorch's names (see <see cref="Import{T}(Module{T}, TorchModule, IReadOnlyDictionary{string, SafeTensor})"/>).</summary>
    public static List<SafeTensor> Export<T>(Module<T> model, TorchModule recurrent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new List<SafeTensor>();
        ExportTree(model, "", recurrent, tensors);
        return tensors;
    }

    private static void ImportTree<T>(Module<T> module, string prefix, TorchModule recurrent, IReadOnlyDictionary<string, SafeTensor> tensors,
        List<string> problems, HashSet<string> used, bool apply)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (module)
        {
            case RecurrentStack<T> stack:
                for (int l = 0; l < stack.Layers; l++)
                {
                    for (int d = 0; d < stack.Directions; d++)
                        ImportLayer(stack.Cell(l, d), recurrent, tensors, Suffix(l, d), problems, prefix, used, apply);
                }
                return;
            case RecurrentCellBase<T> cell:
                ImportLayer(cell, recurrent, tensors, "", problems, prefix, used, apply);
                return;
        }
        foreach (ParameterInfo info in module.ParameterInfos)
        {
            string name = prefix + info.Name;
            used.Add(name);
            SafeTensor? tensor = Find(tensors, name, info.Shape, problems);
            if (apply && tensor is not null)
                Copy(tensor.Values, module.Parameters.AsSpan(info.Offset, info.Length));
        }
        foreach (var child in module.Children)
            ImportTree(child.Value, prefix + child.Key + ".", recurrent, tensors, problems, used, apply);
    }

    private static void ExportTree<T>(Module<T> module, string prefix, TorchModule recurrent, List<SafeTensor> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (module)
        {
            case RecurrentStack<T> stack:
                for (int l = 0; l < stack.Layers; l++)
                {
                    for (int d = 0; d < stack.Directions; d++)
                        tensors.AddRange(ExportLayer(stack.Cell(l, d), recurrent, prefix, Suffix(l, d), gradients: false));
                }
                return;
            case RecurrentCellBase<T> cell:
                tensors.AddRange(ExportLayer(cell, recurrent, prefix, "", gradients: false));
                return;
        }
        foreach (ParameterInfo info in module.ParameterInfos)
        {
            var values = new double[info.Length];
            Widen<T>(module.Parameters.AsSpan(info.Offset, info.Length), values);
            tensors.Add(new SafeTensor(prefix + info.Name, "", info.Shape, values));
        }
        foreach (var child in module.Children)
            ExportTree(child.Value, prefix + child.Key + ".", recurrent, tensors);
    }

    /// <summary>PyTorch's name suffix of a layer and direction: <c>_l0</c>, <c>_l1_reverse</c>.</summary>
    public static string Suffix(int layer, int direction) => $"_l{layer}" + (direction == 1 ? "_reverse" : "");

    private static void ImportLayer<T>(RecurrentCellBase<T> cell, TorchModule module, IReadOnlyDictionary<string, SafeTensor> tensors, string suffix, List<string> problems,
        string prefix = "", HashSet<string>? used = null, bool apply = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (gates, twoBiases) = Layout(module);
        int hidden = cell.StateSize(cell.OutputState), input = cell.InputSize(0), rows = gates.Length * hidden;
        used?.UnionWith(new[] { prefix + "weight_ih" + suffix, prefix + "weight_hh" + suffix, prefix + "bias_ih" + suffix, prefix + "bias_hh" + suffix });
        SafeTensor? ih = Find(tensors, prefix + "weight_ih" + suffix, new[] { rows, input }, problems);
        SafeTensor? hh = Find(tensors, prefix + "weight_hh" + suffix, new[] { rows, hidden }, problems);
        SafeTensor? bih = Find(tensors, prefix + "bias_ih" + suffix, new[] { rows }, problems);
        SafeTensor? bhh = Find(tensors, prefix + "bias_hh" + suffix, new[] { rows }, problems);
        for (int g = 0; g < gates.Length; g++)
        {
            string[] names = twoBiases
                ? new[] { Name("W", gates[g]), Name("U", gates[g]), "b_i" + gates[g], "b_h" + gates[g] }
                : new[] { Name("W", gates[g]), Name("U", gates[g]), Name("b", gates[g]) };
            foreach (string name in names)
            {
                if (!Has(cell, name))
                    problems.Add($"{cell.GetType().Name} has no parameter '{name}' for {module}'s gate '{gates[g]}'");
            }
        }
        if (!apply || problems.Count > 0 || ih is null || hh is null || bih is null || bhh is null)
            return;
        for (int g = 0; g < gates.Length; g++)
        {
            Copy(ih.Values.AsSpan(g * hidden * input, hidden * input), cell.Parameter(Name("W", gates[g])));
            Copy(hh.Values.AsSpan(g * hidden * hidden, hidden * hidden), cell.Parameter(Name("U", gates[g])));
            ReadOnlySpan<double> bi = bih.Values.AsSpan(g * hidden, hidden), bh = bhh.Values.AsSpan(g * hidden, hidden);
            if (twoBiases)
            {
                Copy(bi, cell.Parameter("b_i" + gates[g]));
                Copy(bh, cell.Parameter("b_h" + gates[g]));
            }
            else
            {
                Span<T> b = cell.Parameter(Name("b", gates[g]));
                for (int i = 0; i < hidden; i++)
                    b[i] = T.CreateChecked(bi[i] + bh[i]);
            }
        }
    }

    /// <summary>One cell's weights (or gradients) under PyTorch's names, with <paramref name="suffix"/> ("" for a cell module).</summary>
    public static IEnumerable<SafeTensor> ExportLayer<T>(RecurrentCellBase<T> cell, TorchModule module, string suffix, bool gradients = false)
        where T : unmanaged, IFloatingPointIeee754<T> => ExportLayer(cell, module, "", suffix, gradients);

    private static IEnumerable<SafeTensor> ExportLayer<T>(RecurrentCellBase<T> cell, TorchModule module, string prefix, string suffix, bool gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> Values(string name) => gradients ? cell.Gradient(name) : cell.Parameter(name);
        var (gates, twoBiases) = Layout(module);
        int hidden = cell.StateSize(cell.OutputState), input = cell.InputSize(0), rows = gates.Length * hidden;
        var ih = new double[rows * input];
        var hh = new double[rows * hidden];
        var bih = new double[rows];
        var bhh = new double[rows];
        for (int g = 0; g < gates.Length; g++)
        {
            Widen(Values(Name("W", gates[g])), ih.AsSpan(g * hidden * input));
            Widen(Values(Name("U", gates[g])), hh.AsSpan(g * hidden * hidden));
            if (twoBiases)
            {
                Widen(Values("b_i" + gates[g]), bih.AsSpan(g * hidden));
                Widen(Values("b_h" + gates[g]), bhh.AsSpan(g * hidden));
            }
            else
            {
                Widen(Values(Name("b", gates[g])), bih.AsSpan(g * hidden));
                if (gradients)
                    Widen(Values(Name("b", gates[g])), bhh.AsSpan(g * hidden));
            }
        }
        yield return new SafeTensor(prefix + "weight_ih" + suffix, "", new[] { rows, input }, ih);
        yield return new SafeTensor(prefix + "weight_hh" + suffix, "", new[] { rows, hidden }, hh);
        yield return new SafeTensor(prefix + "bias_ih" + suffix, "", new[] { rows }, bih);
        yield return new SafeTensor(prefix + "bias_hh" + suffix, "", new[] { rows }, bhh);
    }

    private static SafeTensor? Find(IReadOnlyDictionary<string, SafeTensor> tensors, string name, int[] shape, List<string> problems)
    {
        if (!tensors.TryGetValue(name, out SafeTensor? tensor))
        {
            problems.Add($"missing tensor '{name}' of shape [{string.Join(", ", shape)}]");
            return null;
        }
        if (tensor.Shape.Length != shape.Length || !tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            problems.Add($"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", shape)}]");
            return null;
        }
        return tensor;
    }

    private static bool Has<T>(CellBase<T> cell, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (ParameterInfo info in cell.ParameterInfos)
        {
            if (info.Name == name)
                return true;
        }
        return false;
    }

    private static void Copy<T>(ReadOnlySpan<double> from, Span<T> to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < to.Length; i++)
            to[i] = T.CreateChecked(from[i]);
    }

    private static void Widen<T>(ReadOnlySpan<T> from, Span<double> to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < from.Length; i++)
            to[i] = double.CreateChecked(from[i]);
    }

    private static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0)
            throw new InvalidDataException("The PyTorch weights do not fit: " + string.Join("; ", problems) + ".");
    }
}
