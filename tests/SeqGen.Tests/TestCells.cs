using SeqGen;

namespace SeqGen.Tests;

// Cells declared only in the tests, each exercising a part of the language the stock cells do not.

/// <summary>Two inputs, each with its own size.</summary>
[RecurrentCell(Inputs = "x, ctx")]
[Gate("h' = tanh(W @ x + V @ ctx + U @ h + b)")]
public partial class TwoInputRnn;

/// <summary>A projection LSTM: the cell state has size H, the projected hidden state size P.</summary>
[RecurrentCell(Inputs = "x", Sizes = "h: P, c: H")]
[Param("b_f", Init = "1")]
[Gate("i = sigmoid(W_i @ x + U_i @ h + b_i)")]
[Gate("f = sigmoid(W_f @ x + U_f @ h + b_f)")]
[Gate("o = sigmoid(W_o @ x + U_o @ h + b_o)")]
[Gate("g = tanh(W_g @ x + U_g @ h + b_g)")]
[Gate("c' = f * c + i * g")]
[Gate("h' = R @ (o * tanh(c'))")]
public partial class ProjectionLstm;

/// <summary>A learned scalar: one leak rate shared by every unit.</summary>
[RecurrentCell(Inputs = "x")]
[Param("a", Shape = "scalar", Init = "0.5")]
[Gate("mu = sigmoid(a)")]
[Gate("h' = mu * h + (1 - mu) * tanh(W @ x + U @ h + b)")]
public partial class ScalarLeakRnn;

/// <summary>Concatenation of the input and the state fed to one matrix.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ [x; h] + b)")]
public partial class ConcatRnn;

/// <summary>A skip connection three steps back.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("h' = tanh(W @ x + U @ h + S @ h[t-3] + b)")]
public partial class LagThreeRnn;

/// <summary>Every function of the language, layernorm included, and every operator.</summary>
[RecurrentCell(Inputs = "x")]
[Gate("a = layernorm(W @ x + U @ h)")]
[Gate("e = exp(-softplus(a)) / (1 + relu(a))")]
[Gate("l = log(1 + sigmoid(identity(a)))")]
[Gate("s = silu(a) - softsign(W_s @ x)")]
[Gate("h' = g * tanh(a - e * l) + 0.5 * h + 0.25 * s")]
public partial class EveryFunctionRnn;

/// <summary>A recursive cell with a per-node input and two states.</summary>
[RecursiveCell(Arity = 3, Inputs = "x")]
[Gate("c' = tanh(W @ x + U @ [h[0]; h[1]; h[2]]) + (c[0] + c[1] + c[2]) / 3")]
[Gate("h' = sigmoid(V @ x) * tanh(c')")]
public partial class TernaryTreeCell;
