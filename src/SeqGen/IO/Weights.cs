using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.IO;

/// <summary>
/// Saves and loads the parameters of any module tree as safetensors, one tensor per parameter
/// named by its path (<c>encoder.layer0.W_z</c>) with its shape. Loading checks every name and
/// shape first and changes nothing when anything is off; the error lists every wrong entry.
/// </summary>
public static class Weights
{
    /// <summary>
    /// Writes every parameter of <paramref name="model"/> to <paramref name="path"/> (atomically), in
    /// the model's precision, with optional string <paramref name="metadata"/> (what a reader needs
    /// beyond the tensors, e.g. a vocabulary; read it back with <see cref="ReadMetadata"/>).
    /// <paramref name="dtype"/> "F16" or "BF16" halves the file (rounded to nearest); a NaN or
    /// infinity among the parameters is an <see cref="ArgumentException"/> unless <paramref name="allowNonFinite"/>.
    /// </summary>
    public static void Save<T>(string path, Module<T> model, IReadOnlyDictionary<string, string>? metadata = null, string? dtype = null, bool allowNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var slots = new List<TensorSlot<T>>();
        TensorSlots.AddParameters(slots, model, "");
        SafeTensors.Write(path, TensorSlots.ToTensors(slots), dtype ?? (typeof(T) == typeof(float) ? "F32" : "F64"), metadata, allowNonFinite);
    }

    /// <summary>The string metadata saved with a weights file (empty when there is none).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeTensors.Read(File.ReadAllBytes(path), path, out IReadOnlyDictionary<string, string> metadata);
        return metadata;
    }

    /// <summary>
    /// Reads every parameter of <paramref name="model"/> from <paramref name="path"/>. The file must
    /// hold exactly the model's names and shapes; otherwise an <see cref="InvalidDataException"/>
    /// lists each missing, unexpected and misshapen tensor, and the model is unchanged. F64, F32,
    /// F16 and BF16 tensors all load (widened exactly); NaN or infinity is an error unless
    /// <paramref name="allowNonFinite"/>.
    /// </summary>
    public static void Load<T>(string path, Module<T> model, bool allowNonFinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = SafeTensors.Read(path, allowNonFinite);
        var slots = new List<TensorSlot<T>>();
        TensorSlots.AddParameters(slots, model, "");
        var problems = new List<string>();
        TensorSlots.Check(tensors, slots, problems);
        if (problems.Count > 0)
            throw new InvalidDataException($"{path} does not fit the model: {string.Join("; ", problems)}.");
        TensorSlots.Assign(tensors, slots);
    }
}
