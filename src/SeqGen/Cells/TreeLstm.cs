namespace SeqGen.Cells;

/// <summary>
/// Binary constituency Tree-LSTM (Tai, Socher and Manning 2015): input, output and update gates
/// from both children, and one forget gate per child (sharing b_f), so a parent can keep one
/// child's memory and drop the other's. Leaves read a word vector x with zero children; inner
/// nodes read x = 0, as the constituency model does, so the forget gates read only the children
/// (a W_f @ x term would only ever meet a zero input or a zero memory).
/// </summary>
[RecursiveCell(Arity = 2, Inputs = "x")]
[Gate("i = sigmoid(W_i @ x + U_i @ [h[0]; h[1]] + b_i)")]
[Gate("f0 = sigmoid(U_f0 @ [h[0]; h[1]] + b_f)")]
[Gate("f1 = sigmoid(U_f1 @ [h[0]; h[1]] + b_f)")]
[Gate("o = sigmoid(W_o @ x + U_o @ [h[0]; h[1]] + b_o)")]
[Gate("u = tanh(W_u @ x + U_u @ [h[0]; h[1]] + b_u)")]
[Gate("c' = i * u + f0 * c[0] + f1 * c[1]")]
[Gate("h' = o * tanh(c')")]
public partial class TreeLstm;
