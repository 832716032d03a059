namespace SeqGen.Cells;

/// <summary>Binary recursive cell (Socher et al.): a parent's state from its two children's, p = tanh(W [h_0; h_1] + b).</summary>
[RecursiveCell(Arity = 2)]
[Gate("h' = tanh(W @ [h[0]; h[1]] + b)")]
public partial class TreeRnn;
