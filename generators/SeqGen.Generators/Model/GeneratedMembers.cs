using System.Collections.Generic;

namespace SeqGen.Generators.Model;

/// <summary>
/// Names the generated cell class gives its own members. A parameter named like one of them gets
/// no named view (the front end warns, SEQ032); it stays readable through <c>Parameter(name)</c>.
/// </summary>
internal static class GeneratedMembers
{
    private const string ColumnMethodPrefix = "Columns";

    // The cell's own API, the members every object has, and the generated helpers.
    private static readonly HashSet<string> Reserved = new()
    {
        "T", "Parameters", "Gradients", "ParameterInfos", "ParameterInfo", "Parameter", "Gradient", "ZeroGradients",
        "Equations", "InputCount", "InputName", "InputSize", "StateCount", "StateName", "StateSize", "OutputState",
        "Arity", "CreateWorkspace", "Forward", "Backward", "CreateStream", "Step", "Workspace", "Stream", "Layout",
        "ForwardStep", "BackwardStep", "ModelSummary", "BeginForward", "BeginBackward", "RequirePositive",
        "ForwardAt", "BackwardAt", "BeginSteps", "StepForward", "StepBackward", "Children", "IsTraining", "Train", "Eval", "RequiresGradient", "Freeze", "Unfreeze", "ParameterCount", "NamedParameters", "NamedParameter", "AddChild", "RequireName",
        "GetType", "ToString", "Equals", "GetHashCode", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The method that runs fused elementwise loop <paramref name="id"/> over a range of columns.</summary>
    public static string ColumnMethod(string id) => ColumnMethodPrefix + id;

    /// <summary>Whether a member named <paramref name="name"/> would clash with the class or its generated members.</summary>
    public static bool Takes(string name, string className) =>
        name == className || Reserved.Contains(name) || IsColumnMethod(name);

    private static bool IsColumnMethod(string name)
    {
        if (name.Length <= ColumnMethodPrefix.Length || !name.StartsWith(ColumnMethodPrefix, System.StringComparison.Ordinal))
            return false;
        for (int i = ColumnMethodPrefix.Length; i < name.Length; i++)
        {
            if (name[i] < '0' || name[i] > '9')
                return false;
        }
        return true;
    }
}
