using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using SeqGen.Generators.Helpers;
using SeqGen.Generators.Language;
using SeqGen.Generators.Model;

namespace SeqGen.Generators.Analysis;

/// <summary>
/// The front end's checker: resolves every name of a cell's equations, infers every parameter's
/// shape from its uses, checks every shape, and produces the <see cref="CellSpec"/> that code
/// generation reads — or the list of problems that stop it.
/// </summary>
internal sealed partial class CellAnalyzer
{
    /// <summary>Past values a cell may read; a larger lag is almost surely a typo and would cost a huge tape.</summary>
    public const int MaxLag = 1000;

    /// <summary>Children a recursive cell may have.</summary>
    public const int MaxArity = 64;

    private readonly CellDeclaration _cell;
    private readonly CancellationToken _cancellation;
    private readonly List<Problem> _problems = new();

    private readonly List<NamedRange> _inputs = new();
    private readonly Dictionary<string, Size> _sizeOf = new();
    private readonly List<SizeSymbol> _sizeSymbols = new();
    private readonly Dictionary<string, Definition> _definitions = new();
    private readonly List<string> _stateOrder = new();
    private readonly Dictionary<string, int> _maxLag = new();
    private readonly HashSet<string> _used = new();

    private readonly Dictionary<string, ParamUse> _parameters = new();
    private readonly List<string> _parameterOrder = new();
    private readonly Dictionary<string, ParamOverride> _overrides = new();
    private readonly List<SumConstraint> _sums = new();

    // Per equation, during checking: which equation is being checked and what is defined so far.
    private int _equation;
    private readonly Dictionary<string, ValueType> _intermediates = new();
    private readonly HashSet<string> _newStates = new();

    private CellAnalyzer(CellDeclaration cell, CancellationToken cancellation)
    {
        _cell = cell;
        _cancellation = cancellation;
    }

    /// <summary>Checks a cell. Never throws on any input; every mistake becomes a <see cref="Problem"/>.</summary>
    public static CellAnalysis Analyze(CellDeclaration cell, CancellationToken cancellation = default) =>
        new CellAnalyzer(cell, cancellation).Run();

    private bool Recurrent => _cell.Kind == CellKind.Recurrent;

    private bool HasErrors
    {
        get
        {
            foreach (Problem problem in _problems)
            {
                if (problem.IsError)
                    return true;
            }
            return false;
        }
    }

    private CellAnalysis Run()
    {
        CheckArity();
        ReadInputs();
        var equations = ParseEquations();
        CollectDefinitions(equations);
        ReadSizes();
        ReadParamOverrides();

        var values = new TypedNode?[equations.Length];
        for (_equation = 0; _equation < equations.Length; _equation++)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (equations[_equation] is { } equation)
                values[_equation] = CheckEquation(equation);
        }

        SettleConcatenations();
        bool hasSyntaxErrors = equations.Length > 0 && System.Array.IndexOf(equations, null) >= 0;
        if (!HasErrors)
            ReportUninferredShapes();
        CheckInitializers();
        if (!hasSyntaxErrors)
            ReportUnusedNames(equations);
        ReportHiddenParameters();
        string output = ResolveOutput(hasSyntaxErrors);

        if (HasErrors)
            return new CellAnalysis(null, _problems.ToEquatableArray());
        return new CellAnalysis(BuildSpec(equations, values, output), _problems.ToEquatableArray());
    }

    private void Report(ProblemCode code, ProblemOrigin origin, int index, TextRange range, params string[] args) =>
        _problems.Add(Problem.Create(code, origin, index, range, args));

    private void ReportInEquation(ProblemCode code, TextRange range, params string[] args) =>
        Report(code, ProblemOrigin.Equation, _equation, range, args);

    // The characters of the current equation a range covers, as the user wrote them.
    private string Snippet(TextRange range)
    {
        string text = _cell.Equations[_equation];
        return range.Start >= 0 && range.End <= text.Length ? text.Substring(range.Start, range.Length) : "";
    }

    /// <summary>
    /// Where a parameter's shape was settled, when that is another place than <paramref name="here"/>:
    /// a wrong first use otherwise makes a later, correct line look wrong.
    /// </summary>
    private string FirstUse(string parameter, TextRange here)
    {
        if (_overrides.TryGetValue(parameter, out ParamOverride? declared) && declared.Shape is not null)
            return $" (declared Shape = \"{declared.Declaration.Shape}\")";
        if (!_parameters.TryGetValue(parameter, out ParamUse? use) || (use.Equation == _equation && use.Range == here))
            return "";
        return $" (from its first use, in equation {Ordinal(use.Equation)}: {_cell.Equations[use.Equation]})";
    }

    // For an operand that is a bare parameter, where its shape came from.
    private string Origin(Expression operand) =>
        operand is NameExpression { IsNewState: false, Index: null } name && _parameters.ContainsKey(name.Name) ? FirstUse(name.Name, name.Range) : "";

    private static TextRange Whole(string? text) => new(0, text?.Length ?? 0);

    private static string Quote(string name) => "'" + name + "'";

    private static string Ordinal(int equation) => (equation + 1).ToString(CultureInfo.InvariantCulture);

    private void CheckArity()
    {
        if (Recurrent)
            return;
        if (_cell.Arity < 1 || _cell.Arity > MaxArity)
        {
            Report(ProblemCode.InvalidArity, ProblemOrigin.Arity, 0, default,
                _cell.Arity.ToString(CultureInfo.InvariantCulture), MaxArity.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void ReadInputs()
    {
        string text = _cell.Inputs ?? (Recurrent ? "x" : "");
        List<NamedRange>? names = OptionParsers.ParseNames(text, out OptionError? error);
        if (error is not null)
            Report(ProblemCode.InvalidInputs, ProblemOrigin.Inputs, 0, error.Range, error.Message);
        if (names is not null)
            _inputs.AddRange(names);
    }

    private Equation?[] ParseEquations()
    {
        var parsed = new Equation?[_cell.Equations.Count];
        for (int i = 0; i < parsed.Length; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            string text = _cell.Equations[i] ?? "";
            parsed[i] = Parser.ParseEquation(text, out SyntaxError? error);
            if (error is not null)
            {
                Report(ProblemCode.SyntaxError, ProblemOrigin.Equation, i, error.Range, error.Expected, error.Found);
                NoteBrokenDefinition(text, i);
            }
        }
        return parsed;
    }

    // An equation that does not parse still tells what it meant to define, when its start is
    // readable; knowing that keeps its uses elsewhere from being reported as parameters.
    private void NoteBrokenDefinition(string text, int equation)
    {
        List<Token> tokens = Lexer.Tokenize(text);
        if (tokens[0].Kind != TokenKind.Identifier)
            return;
        bool isState = tokens[1].Kind == TokenKind.Prime;
        if (!_definitions.ContainsKey(tokens[0].Text))
            _definitions[tokens[0].Text] = new Definition(isState, equation, Broken: true);
    }

    private void CollectDefinitions(Equation?[] equations)
    {
        for (int i = 0; i < equations.Length; i++)
        {
            if (equations[i] is not { } equation)
                continue;
            string name = equation.Target;
            if (IsInput(name))
            {
                Report(ProblemCode.DefinedTwice, ProblemOrigin.Equation, i, equation.TargetRange, name, "as an input");
                continue;
            }
            if (_definitions.TryGetValue(name, out Definition? first))
            {
                Report(ProblemCode.DefinedTwice, ProblemOrigin.Equation, i, equation.TargetRange, name,
                    "by equation " + Ordinal(first.Equation));
                continue;
            }
            _definitions[name] = new Definition(equation.IsNewState, i, Broken: false);
        }
        foreach (var pair in _definitions)
        {
            if (pair.Value.IsState)
                _stateOrder.Add(pair.Key);
        }
        _stateOrder.Sort((a, b) => _definitions[a].Equation.CompareTo(_definitions[b].Equation));
    }

    private bool IsInput(string name)
    {
        foreach (NamedRange input in _inputs)
        {
            if (input.Name == name)
                return true;
        }
        return false;
    }

    private bool IsState(string name) => _definitions.TryGetValue(name, out Definition? d) && d.IsState;

    private void ReadSizes()
    {
        var given = new Dictionary<string, Size>();
        var givenAt = new Dictionary<string, TextRange>();
        if (_cell.Sizes is { } text)
        {
            List<SizeEntry>? entries = OptionParsers.ParseSizes(text, out OptionError? error);
            if (error is not null)
                Report(ProblemCode.InvalidSizes, ProblemOrigin.Sizes, 0, error.Range, error.Message);
            foreach (SizeEntry entry in entries ?? new List<SizeEntry>())
            {
                if (!IsState(entry.Name) && !IsInput(entry.Name))
                {
                    Report(ProblemCode.InvalidSizes, ProblemOrigin.Sizes, 0, entry.NameRange,
                        $"'{entry.Name}' is neither a state nor an input of this cell");
                    continue;
                }
                given[entry.Name] = entry.Value;
                givenAt[entry.Name] = entry.ValueRange;
            }
        }
        // Input sizes come first, as in PyTorch's (input_size, hidden_size).
        foreach (NamedRange input in _inputs)
        {
            Size fallback = Size.Symbol(_inputs.Count == 1 ? "I" : "I_" + input.Name);
            _sizeOf[input.Name] = given.TryGetValue(input.Name, out Size? size) ? size : fallback;
            if (givenAt.TryGetValue(input.Name, out TextRange range))
                AddSymbols(_sizeOf[input.Name], ProblemOrigin.Sizes, range);
            else
                AddSymbols(_sizeOf[input.Name], ProblemOrigin.Inputs, input.Range);
        }
        foreach (string state in _stateOrder)
        {
            _sizeOf[state] = given.TryGetValue(state, out Size? size) ? size : Size.Symbol("H");
            if (givenAt.TryGetValue(state, out TextRange range))
                AddSymbols(_sizeOf[state], ProblemOrigin.Sizes, range);
            else
                AddSymbols(_sizeOf[state], ProblemOrigin.Sizes, default);
        }
    }

    // Records the size symbols a size names; where it came from locates a clash of two symbols
    // that would share a constructor argument (P and p, or x and input x's I_x).
    private void AddSymbols(Size size, ProblemOrigin origin, TextRange range)
    {
        foreach (SizeTerm term in size.Terms)
        {
            bool known = false;
            foreach (SizeSymbol symbol in _sizeSymbols)
                known |= symbol.Name == term.Symbol;
            if (known)
                continue;
            string argument = ArgumentName(term.Symbol);
            foreach (SizeSymbol symbol in _sizeSymbols)
            {
                if (symbol.ArgumentName == argument)
                {
                    Report(ProblemCode.InvalidSizes, origin, 0, range,
                        $"size symbols '{symbol.Name}' and '{term.Symbol}' would both be the constructor argument '{argument}'; rename one");
                }
            }
            _sizeSymbols.Add(new SizeSymbol(term.Symbol, argument));
        }
    }

    /// <summary>The constructor argument for a size symbol: <c>H</c> → hiddenSize, <c>I</c> → inputSize, <c>I_ctx</c> → ctxSize, <c>P</c> → pSize.</summary>
    private static string ArgumentName(string symbol)
    {
        if (symbol == "H")
            return "hiddenSize";
        if (symbol == "I")
            return "inputSize";
        string stem = symbol.StartsWith("I_", System.StringComparison.Ordinal) && symbol.Length > 2 ? symbol.Substring(2) : symbol;
        return char.ToLowerInvariant(stem[0]) + stem.Substring(1) + "Size";
    }

    private bool IsSizeSymbol(string name)
    {
        foreach (SizeSymbol symbol in _sizeSymbols)
        {
            if (symbol.Name == name)
                return true;
        }
        return false;
    }

    private string SizeSymbolList()
    {
        var names = new List<string>();
        foreach (SizeSymbol symbol in _sizeSymbols)
            names.Add(symbol.Name);
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private sealed record Definition(bool IsState, int Equation, bool Broken);
}
