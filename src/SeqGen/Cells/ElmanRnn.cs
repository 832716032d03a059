namespace SeqGen.Cells;

/// <summary>Elman's simple recurrent network with tanh: h' = tanh(W x + U h + b).</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + U @ h + b)")]
public partial class ElmanRnn;
