using GenNet.Data;
using GenNet.Serialization;

namespace GenNet.Mnist;

/// <summary>
/// Checks <c>train</c>'s output paths before anything runs: each must be a file (or nothing yet) in a writable
/// directory, and no two paths, outputs or inputs, may name one file.
/// </summary>
internal static class OutputPaths
{
    /// <summary>One named path of the command line: an output to write or an input to read.</summary>
    public sealed record Entry(string Option, string Path, bool IsOutput);

    /// <summary>The full path of an output file after checking that its directory exists and can be written.</summary>
    public static string? Check(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UserException($"{option} needs a file name.");
        }
        string full = System.IO.Path.GetFullPath(path);
        FileKind kind = FileProbe.KindOf(full);
        if (kind == FileKind.Directory)
        {
            throw new UserException($"{option} {path} is a directory; give a file name.");
        }
        if (kind is not FileKind.Regular and not FileKind.Missing)
        {
            // Outputs are replaced by a rename: over a FIFO or /dev/null that would replace the special file itself.
            throw new UserException($"{option} {path} is {FileProbe.Describe(kind)}; outputs are written as regular files, give another name.");
        }
        string directory = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new UserException($"{option} {path}: the directory {directory} does not exist.");
        }
        string probe = System.IO.Path.Combine(directory, $".gennet-write-test-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{option} {path}: cannot write in {directory} ({e.Message}).");
        }
        return full;
    }

    /// <summary>The data directory's files that an output must not replace: the four IDX files (raw and .gz) and classes.txt.</summary>
    public static IEnumerable<Entry> DataFiles(string dataDirectory) =>
        MnistDataset.StandardFiles.SelectMany(name => (string[])[name, name + ".gz"]).Append(ClassNames.FileName)
            .Select(name => new Entry("--data", System.IO.Path.Combine(dataDirectory, name), IsOutput: false));

    /// <summary>
    /// Refuses (exit 2) when an output names the same file as another output or an input: the same path after
    /// following symbolic links in every component, or, for files that exist, the same device and inode (hard links).
    /// </summary>
    public static void RefuseCollisions(IReadOnlyList<Entry> entries)
    {
        var resolved = entries.Select(e => (Entry: e, Path: Resolve(e.Path), Id: FileProbe.Identity(e.Path))).ToArray();
        for (int i = 0; i < resolved.Length; i++)
        {
            for (int j = i + 1; j < resolved.Length; j++)
            {
                var (a, b) = (resolved[i], resolved[j]);
                if (!a.Entry.IsOutput && !b.Entry.IsOutput)
                {
                    continue;
                }
                if (a.Path == b.Path || (a.Id is { } id && id == b.Id))
                {
                    var (output, other) = a.Entry.IsOutput ? (a, b) : (b, a);
                    string what = other.Entry.IsOutput
                        ? $"{other.Entry.Option} {other.Entry.Path}; each output needs its own file"
                        : other.Entry.Option == "--data"
                            ? $"the data file {other.Entry.Path}; writing it would replace the data"
                            : $"the {other.Entry.Option} input {other.Entry.Path}; writing it would replace the input";
                    throw new UserException($"{output.Entry.Option} {output.Entry.Path} is the same file ({output.Path}) as {what}.");
                }
            }
        }
    }

    /// <summary>The absolute path with every symbolic link resolved, component by component (as far as the components exist).</summary>
    internal static string Resolve(string path) => Resolve(path, 0);

    private static string Resolve(string path, int depth)
    {
        string full = System.IO.Path.GetFullPath(path);
        string root = System.IO.Path.GetPathRoot(full)!;
        string current = root;
        foreach (string part in full[root.Length..].Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = System.IO.Path.Combine(current, part);
            string? target = null;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            // 40 links deep is where Linux gives up (ELOOP) too.
            current = target is not null && depth < 40 ? Resolve(System.IO.Path.GetFullPath(target, current), depth + 1) : next;
        }
        return current;
    }
}
