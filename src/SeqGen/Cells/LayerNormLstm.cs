namespace SeqGen.Cells;

/// <summary>
/// Layer-normalised LSTM (Ba, Kiros and Hinton 2016): layer norm with a learned gain on the input
/// and on the recurrent projection of each gate, and on the new cell state before the output
/// tanh (with gain and bias); the carried cell state c' itself is not normalised. Gains start at
/// 1, the forget bias at 1.
/// </summary>
[RecurrentCell(Inputs = "x")]
[Param("gx_i", Init = "1")]
[Param("gh_i", Init = "1")]
[Param("gx_f", Init = "1")]
[Param("gh_f", Init = "1")]
[Param("gx_o", Init = "1")]
[Param("gh_o", Init = "1")]
[Param("gx_g", Init = "1")]
[Param("gh_g", Init = "1")]
[Param("g_c", Init = "1")]
[Param("b_c", Init = "0")]
[Param("b_f", Init = "1")]
[Gate("i = sigmoid(gx_i * layernorm(W_i @ x) + gh_i * layernorm(U_i @ h) + b_i)")]
[Gate("f = sigmoid(gx_f * layernorm(W_f @ x) + gh_f * layernorm(U_f @ h) + b_f)")]
[Gate("o = sigmoid(gx_o * layernorm(W_o @ x) + gh_o * layernorm(U_o @ h) + b_o)")]
[Gate("g = tanh(gx_g * layernorm(W_g @ x) + gh_g * layernorm(U_g @ h) + b_g)")]
[Gate("c' = f * c + i * g")]
[Gate("h' = o * tanh(g_c * layernorm(c') + b_c)")]
public partial class LayerNormLstm;
