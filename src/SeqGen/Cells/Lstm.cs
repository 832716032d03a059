namespace SeqGen.Cells;

/// <summary>LSTM with a forget gate (forget bias initialised to 1); the new cell state feeds the new hidden state.</summary>
[RecurrentCell(Inputs = "x")]
[Param("b_f", Init = "1")]
[Gate("i = sigmoid(W_i @ x + U_i @ h + b_i)")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + b_f)")]
[Gate("o = sigmoid(W_o @ x + U_o @ h + b_o)")]
[Gate("g = tanh(W_g @ x + U_g @ h + b_g)")]
[Gate("c' = f * c + i * g")]
[Gate("h' = o * tanh(c')")]
public partial class Lstm;
