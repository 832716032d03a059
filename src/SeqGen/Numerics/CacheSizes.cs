using System;
using System.Globalization;
using System.IO;

namespace SeqGen.Numerics;

/// <summary>The caches of this machine, where a kernel's choice of layout depends on them.</summary>
internal static class CacheSizes
{
    /// <summary>
    /// One core's L2 as Linux reports it (Zen 3: 512 KB, Zen 4: 1 MB); 1 MB where it does not say.
    /// Read once: the kernels ask on every call.
    /// </summary>
    public static long L2Bytes { get; } = ReadL2();

    private static long ReadL2()
    {
        const string path = "/sys/devices/system/cpu/cpu0/cache/index2/size";
        try
        {
            string text = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            if (text.EndsWith('K') && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes) && kilobytes > 0)
                return kilobytes * 1024;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 1L << 20;
    }
}
