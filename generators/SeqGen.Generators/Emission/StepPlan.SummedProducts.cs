using System.Collections.Generic;
using SeqGen.Generators.Language;

namespace SeqGen.Generators.Emission;

internal sealed partial class StepPlan
{
    /// <summary>
    /// The input product and the recurrent product a stream's step can compute as one sum in one
    /// pass over both matrices, as in <c>W_i @ x + U_i @ h</c>: their members match row for row,
    /// and every element the step reads of either is added to the other's element of the same
    /// column, so neither is read alone. Null when no pair qualifies (a GRU's candidate scales its
    /// recurrent part alone; a layer-norm LSTM normalises each part alone).
    /// </summary>
    public (ProductGroup Input, ProductGroup Recurrent)? SummedProducts { get; }

    private (ProductGroup Input, ProductGroup Recurrent)? FindSummedProducts()
    {
        foreach (ProductGroup input in Groups)
        {
            if (!input.Hoisted || !IsContiguous(input))
                continue;
            foreach (ProductGroup recurrent in Groups)
            {
                if (!recurrent.Hoisted && IsContiguous(recurrent) && MembersMatch(input, recurrent) && ReadOnlyAsSums(input.Index, recurrent.Index))
                    return (input, recurrent);
            }
        }
        return null;
    }

    private static bool MembersMatch(ProductGroup a, ProductGroup b)
    {
        if (a.Members.Count != b.Members.Count)
            return false;
        for (int i = 0; i < a.Members.Count; i++)
        {
            if (!a.Members[i].Rows.Equals(b.Members[i].Rows))
                return false;
        }
        return true;
    }

    private bool ReadOnlyAsSums(int first, int second)
    {
        foreach (StepOperation operation in Operations)
        {
            switch (operation)
            {
                case ElementwiseOperation elementwise when !ReadsOnlyAsSums(elementwise.Tree, first, second):
                    return false;
                case LayerNormOperation layerNorm when IsProductOf(layerNorm.Input, first, second) || IsProductOf(layerNorm.Output, first, second):
                    return false;
            }
        }
        return true;
    }

    private static bool ReadsOnlyAsSums(ElementNode node, int first, int second) => node switch
    {
        LeafNode leaf => !IsProductOf(leaf.Source, first, second),
        UnaryNode unary => ReadsOnlyAsSums(unary.Operand, first, second),
        BinaryNode { Operator: BinaryOperator.Add, Left: LeafNode left, Right: LeafNode right }
            when IsProductOf(left.Source, first, second) || IsProductOf(right.Source, first, second) =>
            IsPair(left.Source, right.Source, first, second) || IsPair(right.Source, left.Source, first, second),
        BinaryNode binary => ReadsOnlyAsSums(binary.Left, first, second) && ReadsOnlyAsSums(binary.Right, first, second),
        _ => true,
    };

    private static bool IsProductOf(Source source, int first, int second) =>
        source.Kind == SourceKind.Product && (source.Index == first || source.Index == second);

    private static bool IsPair(Source a, Source b, int first, int second) =>
        a.Kind == SourceKind.Product && b.Kind == SourceKind.Product && a.Index == first && b.Index == second
        && a.ColumnOffset.Equals(b.ColumnOffset) && a.Length.Equals(b.Length);
}
