using System;

namespace SeqGen.Model;

/// <summary>The checks every backward pass makes of the forward pass it follows.</summary>
internal static class CallOrder
{
    /// <summary>
    /// Throws unless a forward pass over the same workspace ran <paramref name="count"/>
    /// <paramref name="unit"/>s (<paramref name="forwardCount"/>, 0 when none ran): backward on a
    /// stale or missing tape would return numbers without meaning.
    /// </summary>
    public static void RequireForward(int forwardCount, int count, string unit, string parameter)
    {
        if (forwardCount == 0)
            throw new InvalidOperationException("Backward needs the tape of a Forward over the same workspace; call Forward first.");
        if (forwardCount != count)
            throw new ArgumentException($"Backward over {count} {unit}(s), but the last Forward ran {forwardCount}; pass the same {parameter}.", parameter);
    }
}
