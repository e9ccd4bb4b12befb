namespace CxActors.Bench.Infrastructure;

/// <summary>CPU seconds and memory of processes, read from /proc (Linux), to tell which resource a phase saturates.</summary>
public static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on

    /// <summary>user + system CPU seconds of a process (0 when it is gone).</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Busy and total CPU seconds of the whole machine (all cores), from /proc/stat.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        var line = File.ReadLines("/proc/stat").First();
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var idle = v[3] + v[4]; // idle + iowait
        var total = v.Sum();
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>A field of /proc/PID/status in bytes (VmRSS, VmHWM), or null when the process is gone.</summary>
    public static long? StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>Resets the peak-RSS mark (VmHWM) of a process we own, so that a later peak belongs to one phase.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The ids of a process's descendants.</summary>
    public static List<int> Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                    children[parent] = list = [];
                list.Add(p);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        var result = new List<int>();
        var stack = new Stack<int>([pid]);
        while (stack.Count > 0)
            foreach (var child in children.GetValueOrDefault(stack.Pop()) ?? [])
            {
                result.Add(child);
                stack.Push(child);
            }
        return result;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>Where the CPU went during one phase: the silo, MySQL, this load generator, and everything else.</summary>
public sealed record CpuUsage(string Phase, double Seconds, double Silo, double MySql, double Bench, double Other, double MachineBusy, int Cores)
{
    /// <summary>Percent of one core, like top: 200 % is the whole 2-core machine.</summary>
    public string Describe() =>
        $"{Phase,-26} {Seconds,7:F1} s  silo {Silo,4:F0}%  mysqld {MySql,4:F0}%  bench {Bench,4:F0}%  other {Other,4:F0}%  machine {MachineBusy,4:F0}% of {Cores * 100}%";

    /// <summary>Who saturates: the largest consumer, and whether the machine was full.</summary>
    public string Verdict()
    {
        var full = MachineBusy >= Cores * 100 * 0.85;
        var top = new[] { ("the silo (app CPU)", Silo), ("MySQL (mysqld CPU)", MySql), ("the load generator", Bench), ("other processes on the machine", Other) }
            .MaxBy(x => x.Item2);
        return full
            ? $"CPU-bound: the machine was {MachineBusy:F0}% busy of {Cores * 100}%, most of it {top.Item1} at {top.Item2:F0}%"
            : $"not CPU-bound ({MachineBusy:F0}% of {Cores * 100}% busy; largest: {top.Item1} {top.Item2:F0}%): waits (I/O, fsync, locks or round trips) limit it";
    }
}

/// <summary>Measures <see cref="CpuUsage"/> between its creation and <see cref="Stop"/>.</summary>
public sealed class CpuMeter
{
    private readonly string _phase;
    private readonly Func<int?> _silo;
    private readonly int? _mysql;
    private readonly double _silo0, _mysql0, _bench0, _busy0;
    private readonly long _start = Stopwatch.GetTimestamp();

    public CpuMeter(string phase, Func<int?> silo, int? mysql)
    {
        _phase = phase;
        _silo = silo;
        _mysql = mysql;
        _silo0 = silo() is { } s ? ProcessStats.CpuSeconds(s) : 0;
        _mysql0 = mysql is { } m ? ProcessStats.CpuSeconds(m) : 0;
        _bench0 = ProcessStats.CpuSeconds(Environment.ProcessId);
        _busy0 = ProcessStats.MachineCpuSeconds().Busy;
    }

    public CpuUsage Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        double Pct(double cpu) => seconds > 0 ? Math.Max(0, cpu) / seconds * 100 : 0;
        var silo = _silo() is { } s ? ProcessStats.CpuSeconds(s) - _silo0 : 0;
        var mysql = _mysql is { } m ? ProcessStats.CpuSeconds(m) - _mysql0 : 0;
        var bench = ProcessStats.CpuSeconds(Environment.ProcessId) - _bench0;
        var busy = ProcessStats.MachineCpuSeconds().Busy - _busy0;
        return new CpuUsage(_phase, seconds, Pct(silo), Pct(mysql), Pct(bench), Pct(busy - silo - mysql - bench), Pct(busy), Environment.ProcessorCount);
    }
}
