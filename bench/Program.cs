using CxActors.Bench;

// ./cx bench [--quick | --smoke] [options]: starts the silo on its own database, runs parts 1-8 (7 restarts it), stops the silo,
// prints the table and, as the last line, one JSON object with every figure. See BENCHMARKS.md.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
var options = BenchOptions.Parse(args, Console.Error);
if (options is null)
    return 2;
return await BenchRun.RunAsync(options);
