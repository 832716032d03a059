using System.Collections.Generic;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Emission;

internal sealed partial class CellEmitter
{
    // Members of SequenceWorkspace<T> and StreamState<T> (and of every object) a view must not
    // take; GeneratedMemberTests keeps this list true to the base classes.
    internal static readonly HashSet<string> WorkspaceMembers = new()
    {
        "Owner", "Capacity", "Batch", "Steps", "Input", "InputGradient", "InitialState", "InitialStateGradient",
        "FinalState", "FinalStateGradient", "StateGradient", "Output", "OutputGradient", "Lengths", "SetLengths",
        "IsPadding", "HasLengths", "CarryStates", "ResetStates", "InputSize", "StateSize", "StepInput",
        "StepInputGradient", "StepOutput", "StepOutputGradient", "InputArray", "InputGradientArray",
        "InitialStateArray", "InitialStateGradientArray", "FinalStateArray", "FinalStateGradientArray",
        "OutputGradientArray", "State", "Reset", "SetState", "Workspace", "Stream", "Cell", "StepRows",
        "OutputLength", "OutputLead", "Ws", "RunBlock", "ChildrenAreZero", "InputsAreZero", "InputGradientsUnused", "NewState", "NewStateGradient", "ChildState", "ChildStateGradient",
        "GetType", "ToString", "Equals", "GetHashCode", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>
    /// The workspace's views named after the cell's inputs and states, sized to the steps in use:
    /// <c>ws.x</c> and <c>ws.dx</c> ([Steps, B, size]), <c>ws.h</c> (the state after every step),
    /// <c>ws.dh</c> for the output state, and <c>ws.h_initial</c>, <c>ws.h_final</c> with their
    /// gradients ([B, size]). A view whose name another member already has is left out.
    /// </summary>
    private void EmitWorkspaceViews()
    {
        var taken = new HashSet<string>(WorkspaceMembers);
        taken.UnionWith(WorkspaceFieldNames());
        var views = new List<(string Name, string Summary, string Body)>();
        for (int i = 0; i < _spec.Inputs.Count; i++)
        {
            string name = _spec.Inputs[i].Name, size = $"InputSize({CodeText.Int(i)})";
            views.Add((name, $"Input {name} at every step in use, [Steps, B, {name}].", $"{_address.Input(i)}.AsSpan(0, Steps * Batch * {size})"));
            views.Add(("d" + name, $"After backward: the gradient w.r.t. input {name}, [Steps, B, {name}].", $"d{_address.Input(i)}.AsSpan(0, Steps * Batch * {size})"));
        }
        int output = _plan.StateIndex(_spec.Output);
        for (int s = 0; s < _spec.States.Count; s++)
        {
            string name = _spec.States[s].Name, size = $"StateSize({CodeText.Int(s)})";
            views.Add((name, $"State {name} after every step in use, [Steps, B, {name}].", $"{_address.History(s)}.AsSpan({CodeText.Times(Lead(s), "Batch", size)}, Steps * Batch * {size})"));
            if (s == output)
                views.Add(("d" + name, $"The gradient of the loss w.r.t. output {name} at every step in use; read by backward.", "OutputGradient(Steps)"));
            views.Add((name + "_initial", $"Initial value of {name}, [B, {name}]; zero unless set.", _address.Initial(s)));
            views.Add(("d" + name + "_initial", $"After backward: the gradient w.r.t. the initial {name}.", "d" + _address.Initial(s)));
            views.Add((name + "_final", $"{name} after the last step of the forward pass, [B, {name}].", _address.Final(s)));
            views.Add(("d" + name + "_final", $"The gradient of the loss w.r.t. the final {name}; read by backward, zero unless set.", "d" + _address.Final(s)));
        }
        EmitViews(views, taken);
    }

    /// <summary>The stream's views: each input (<c>stream.x</c>) and each state's current value (<c>stream.h</c>), [B, size].</summary>
    private void EmitStreamViews()
    {
        var taken = new HashSet<string>(WorkspaceMembers);
        var views = new List<(string Name, string Summary, string Body)>();
        for (int i = 0; i < _spec.Inputs.Count; i++)
            views.Add((_spec.Inputs[i].Name, $"The next step's input {_spec.Inputs[i].Name}, [B, size].", $"Input({CodeText.Int(i)})"));
        for (int s = 0; s < _spec.States.Count; s++)
            views.Add((_spec.States[s].Name, $"State {_spec.States[s].Name} after the last step, [B, size].", $"State({CodeText.Int(s)})"));
        EmitViews(views, taken);
    }

    private void EmitViews(List<(string Name, string Summary, string Body)> views, HashSet<string> taken)
    {
        var emitted = new HashSet<string>();
        foreach (var (name, summary, body) in views)
        {
            if (taken.Contains(name) || !emitted.Add(name))
                continue;
            _w.Line($"/// <summary>{summary}</summary>");
            _w.Line($"public {Span} {CodeText.Identifier(name)} => {body};");
        }
        _w.Line();
    }

    private List<string> WorkspaceFieldNames()
    {
        var names = new List<string>();
        for (int i = 0; i < _spec.Inputs.Count; i++)
            names.AddRange(new[] { _address.Input(i), "d" + _address.Input(i) });
        for (int s = 0; s < _spec.States.Count; s++)
        {
            foreach (string field in new[] { _address.History(s), _address.Initial(s), _address.Final(s) })
                names.AddRange(new[] { field, "d" + field });
        }
        names.Add("dOutput");
        for (int e = 0; e < _plan.Intermediates.Count; e++)
            names.AddRange(new[] { _address.Intermediate(e), "d" + _address.Intermediate(e) });
        for (int x = 0; x < _plan.Temps.Count; x++)
            names.AddRange(new[] { _address.Temp(x), "d" + _address.Temp(x) });
        foreach (ProductGroup group in _plan.Groups)
            names.AddRange(new[] { _address.Product(group), "d" + _address.Product(group), _address.Prepared(group) });
        return names;
    }
}
