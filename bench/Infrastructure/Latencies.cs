namespace CxActors.Bench.Infrastructure;

/// <summary>Request latencies of one measurement; thread-safe appends, percentiles by sorting at the end.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];

    public void Add(double milliseconds)
    {
        lock (_ms)
            _ms.Add(milliseconds);
    }

    public int Count
    {
        get { lock (_ms) return _ms.Count; }
    }

    public double Percentile(double p)
    {
        lock (_ms)
        {
            if (_ms.Count == 0)
                return double.NaN;
            var sorted = _ms.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }

    public double Mean
    {
        get { lock (_ms) return _ms.Count == 0 ? double.NaN : _ms.Average(); }
    }
}
