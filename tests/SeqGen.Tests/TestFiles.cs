using System;
using System.IO;

namespace SeqGen.Tests;

/// <summary>Files of the repository the tests read: the README, fixtures.</summary>
internal static class TestFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SeqGen.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root not found from " + AppContext.BaseDirectory);
    }
}
