namespace SeqGen.Cells;

/// <summary>LSTM with coupled input and forget gates: i = 1 - f, so c' = f c + (1 - f) g.</summary>
[RecurrentCell(Inputs = "x")]
[Param("b_f", Init = "1")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + b_f)")]
[Gate("o = sigmoid(W_o @ x + U_o @ h + b_o)")]
[Gate("g = tanh(W_g @ x + U_g @ h + b_g)")]
[Gate("c' = f * c + (1 - f) * g")]
[Gate("h' = o * tanh(c')")]
public partial class CoupledLstm;
