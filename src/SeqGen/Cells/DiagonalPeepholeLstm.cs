namespace SeqGen.Cells;

/// <summary>
/// LSTM with elementwise peepholes (Gers, Schraudolph and Schmidhuber, 2002): the input and
/// forget gates see c_{t-1}, the output gate sees the new c_t.
/// </summary>
[RecurrentCell(Inputs = "x")]
[Param("b_f", Init = "1")]
[Gate("i = sigmoid(W_i @ x + U_i @ h + p_i * c + b_i)")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + p_f * c + b_f)")]
[Gate("g = tanh(W_g @ x + U_g @ h + b_g)")]
[Gate("c' = f * c + i * g")]
[Gate("o = sigmoid(W_o @ x + U_o @ h + p_o * c' + b_o)")]
[Gate("h' = o * tanh(c')")]
public partial class DiagonalPeepholeLstm;
