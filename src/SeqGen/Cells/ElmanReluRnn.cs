namespace SeqGen.Cells;

/// <summary>Elman network with a rectifier: h' = relu(W x + U h + b), as PyTorch's nn.RNN(nonlinearity="relu").</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = relu(W @ x + U @ h + b)")]
public partial class ElmanReluRnn;
