namespace CxActors.Tests.Infrastructure;

/// <summary>The original channel exports in ../shared/seed-datasets (beside the clone), read in place.</summary>
public static class SeedExports
{
    public static string Folder { get; } = Locate();

    public static string PathOf(string file) => System.IO.Path.Combine(Folder, file);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "seed-datasets");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("shared/seed-datasets not found above " + AppContext.BaseDirectory);
    }
}
