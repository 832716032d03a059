namespace SeqGen.Cells;

/// <summary>An Elman network with a skip connection in time: the state of 4 steps back feeds the new state directly.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + U @ h + S @ h[t-4] + b)")]
public partial class SkipRnn;
