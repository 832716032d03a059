namespace SeqGen.Cells;

/// <summary>
/// LSTM with peephole connections in the seed's form: every gate also sees the previous cell
/// state through a full matrix (V_i, V_f, V_o applied to c_{t-1}).
/// </summary>
[RecurrentCell(Inputs = "x")]
[Param("b_f", Init = "1")]
[Gate("i = sigmoid(W_i @ x + U_i @ h + V_i @ c + b_i)")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + V_f @ c + b_f)")]
[Gate("o = sigmoid(W_o @ x + U_o @ h + V_o @ c + b_o)")]
[Gate("g = tanh(W_g @ x + U_g @ h + b_g)")]
[Gate("c' = f * c + i * g")]
[Gate("h' = o * tanh(c')")]
public partial class PeepholeLstm;
