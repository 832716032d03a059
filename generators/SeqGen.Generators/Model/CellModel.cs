using SeqGen.Generators.Helpers;

namespace SeqGen.Generators.Model;

/// <summary>A type that encloses a cell class, written again around the generated part.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>
/// What the emitter needs for one cell: where the class lives and its checked spec. Holds no
/// symbols, syntax or locations, so it compares by value and survives unrelated edits cached.
/// </summary>
internal sealed record CellModel(
    string? Namespace,
    string Name,
    string Accessibility,
    EquatableArray<ContainingType> ContainingTypes,
    CellSpec Spec)
{
    /// <summary>A file name unique to the cell, e.g. <c>MyApp.Models.Outer.Gru.g.cs</c>.</summary>
    public string HintName
    {
        get
        {
            var name = new System.Text.StringBuilder();
            if (Namespace is not null)
                name.Append(Namespace).Append('.');
            foreach (ContainingType type in ContainingTypes)
                name.Append(type.Name.Replace('<', '{').Replace('>', '}').Replace(" ", "")).Append('.');
            return name.Append(Name).Append(".g.cs").ToString();
        }
    }
}
