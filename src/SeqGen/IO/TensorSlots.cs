using System;
using System.Collections.Generic;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.IO;

/// <summary>A named, shaped range of a buffer that a file's tensor is written from or read into.</summary>
internal readonly record struct TensorSlot<T>(string Name, int[] Shape, T[] Buffer, int Offset, int Length)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public SafeTensor ToTensor()
    {
        var values = new double[Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = double.CreateChecked(Buffer[Offset + i]);
        return new SafeTensor(Name, "", Shape, values);
    }
}

/// <summary>
/// Matches a file's tensors against the slots a model expects: every missing, unexpected and
/// misshapen name is collected before anything is assigned, so a mismatch changes nothing.
/// </summary>
internal static class TensorSlots
{
    public static void AddParameters<T>(List<TensorSlot<T>> slots, Module<T> model, string prefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (NamedParameter<T> parameter in model.Flatten())
            slots.Add(new TensorSlot<T>(prefix + parameter.Name, parameter.Shape, parameter.Owner.Parameters, parameter.Info.Offset, parameter.Info.Length));
    }

    public static List<SafeTensor> ToTensors<T>(List<TensorSlot<T>> slots) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensors = new List<SafeTensor>(slots.Count);
        foreach (TensorSlot<T> slot in slots)
            tensors.Add(slot.ToTensor());
        return tensors;
    }

    /// <summary>Adds a description of every slot the tensors do not fill exactly, and of every tensor no slot takes.</summary>
    public static void Check<T>(IReadOnlyDictionary<string, SafeTensor> tensors, List<TensorSlot<T>> slots, List<string> problems, Func<string, bool>? ignore = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorSlot<T> slot in slots)
        {
            expected.Add(slot.Name);
            if (!tensors.TryGetValue(slot.Name, out SafeTensor? tensor))
                problems.Add($"missing '{slot.Name}' {Shape(slot.Shape)}");
            else if (!tensor.Shape.AsSpan().SequenceEqual(slot.Shape))
                problems.Add($"'{slot.Name}' is {Shape(tensor.Shape)} in the file, the model's is {Shape(slot.Shape)}");
        }
        var unexpected = new List<string>();
        foreach (string name in tensors.Keys)
        {
            if (!expected.Contains(name) && (ignore is null || !ignore(name)))
                unexpected.Add(name);
        }
        unexpected.Sort(StringComparer.Ordinal);
        foreach (string name in unexpected)
            problems.Add($"unexpected '{name}' {Shape(tensors[name].Shape)}");
    }

    public static void Assign<T>(IReadOnlyDictionary<string, SafeTensor> tensors, List<TensorSlot<T>> slots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (TensorSlot<T> slot in slots)
        {
            double[] values = tensors[slot.Name].Values;
            for (int i = 0; i < slot.Length; i++)
                slot.Buffer[slot.Offset + i] = T.CreateChecked(values[i]);
        }
    }

    public static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
