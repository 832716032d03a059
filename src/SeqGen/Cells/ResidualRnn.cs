namespace SeqGen.Cells;

/// <summary>The W = I unit: h' = h + tanh(W x + b). Gradients pass unchanged through time, at the cost of nonlinearity on the state.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = h + tanh(W @ x + b)")]
public partial class ResidualRnn;
