using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using SeqGen.Model;

namespace SeqGen.IO;

/// <summary>
/// Saves and loads the parameters of cells, stacks and layers as safetensors, one tensor per
/// parameter named "prefix.name" (e.g. "encoder.W_z") with the shape from the generated metadata.
/// Loading checks every name and shape first and changes nothing when anything is off.
/// </summary>
public static class Weights
{
    public static void Save<T>(string path, IReadOnlyList<KeyValuePair<string, IParameterized<T>>> modules)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        var tensors = new List<SafeTensor>();
        foreach (var (prefix, module) in modules)
        {
            foreach (ParameterInfo info in module.ParameterInfos)
            {
                var values = new double[info.Length];
                for (int i = 0; i < values.Length; i++)
                    values[i] = double.CreateChecked(module.Parameters[info.Offset + i]);
                tensors.Add(new SafeTensor(Name(prefix, info.Name), "", info.Shape, values));
            }
        }
        SafeTensors.Write(path, tensors, asFloat32: typeof(T) == typeof(float));
    }

    public static void Load<T>(string path, IReadOnlyList<KeyValuePair<string, IParameterized<T>>> modules)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(modules);
        var tensors = SafeTensors.Read(path);
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (prefix, module) in modules)
        {
            foreach (ParameterInfo info in module.ParameterInfos)
            {
                string name = Name(prefix, info.Name);
                expected.Add(name);
                if (!tensors.TryGetValue(name, out SafeTensor? tensor))
                    problems.Add($"missing '{name}' [{string.Join(", ", info.Shape)}]");
                else if (!tensor.Shape.AsSpan().SequenceEqual(info.Shape))
                    problems.Add($"'{name}' is [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", info.Shape)}]");
            }
        }
        foreach (string name in tensors.Keys)
        {
            if (!expected.Contains(name))
                problems.Add($"unexpected '{name}'");
        }
        if (problems.Count > 0)
            throw new InvalidDataException($"{path} does not fit the model: {string.Join("; ", problems)}.");
        foreach (var (prefix, module) in modules)
        {
            foreach (ParameterInfo info in module.ParameterInfos)
            {
                double[] values = tensors[Name(prefix, info.Name)].Values;
                for (int i = 0; i < values.Length; i++)
                    module.Parameters[info.Offset + i] = T.CreateChecked(values[i]);
            }
        }
    }

    private static string Name(string prefix, string parameter) => prefix.Length == 0 ? parameter : prefix + "." + parameter;
}
