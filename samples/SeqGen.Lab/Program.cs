using System;
using System.Collections.Generic;
using SeqGen.Cells;
using SeqGen.Lab;

// Lists every stock cell and the sample's own cell as the generator checked them at compile
// time: sizes, states, inputs, each parameter's inferred shape, and the equations.
var cells = new List<(string Name, string Summary)>
{
    ("ElmanRnn", ElmanRnn.ModelSummary),
    ("ElmanReluRnn", ElmanReluRnn.ModelSummary),
    ("ChoGru", ChoGru.ModelSummary),
    ("Gru", Gru.ModelSummary),
    ("Lstm", Lstm.ModelSummary),
    ("PeepholeLstm", PeepholeLstm.ModelSummary),
    ("DiagonalPeepholeLstm", DiagonalPeepholeLstm.ModelSummary),
    ("CoupledLstm", CoupledLstm.ModelSummary),
    ("LeakyRnn", LeakyRnn.ModelSummary),
    ("LearnedLeakyRnn", LearnedLeakyRnn.ModelSummary),
    ("ResidualRnn", ResidualRnn.ModelSummary),
    ("SkipRnn", SkipRnn.ModelSummary),
    ("TreeRnn", TreeRnn.ModelSummary),
    ("MinimalGatedUnit (declared in this sample)", MinimalGatedUnit.ModelSummary),
};

string? only = args.Length > 0 ? args[0] : null;
if (only is "--help" or "-h")
{
    Console.WriteLine("usage: SeqGen.Lab [CELL]   prints the checked model of every cell, or of CELL");
    return 0;
}
int shown = 0;
foreach (var (name, summary) in cells)
{
    if (only is not null && !name.StartsWith(only, StringComparison.OrdinalIgnoreCase))
        continue;
    Console.WriteLine($"== {name}");
    Console.WriteLine(summary);
    Console.WriteLine();
    shown++;
}
if (shown == 0)
{
    Console.Error.WriteLine($"error: no cell named '{only}'");
    return 2;
}
return 0;
