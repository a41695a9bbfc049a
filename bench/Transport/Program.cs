using RagPlatform.Bench.Transport;

// bench/Transport server            → serves ragbench.v1.Bench on a free loopback port, prints {"port":N}, exits when stdin closes.
// bench/Transport client --target http://127.0.0.1:N --mode unary|stream [--concurrency 1] [--seconds 5] [--payload 100]
//                                   → prints one JSON line with the measurement.
return args.FirstOrDefault() switch
{
    "server" => await BenchServer.RunAsync(),
    "client" => await BenchClient.RunAsync(BenchClientArgs.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: server | client --target URL --mode unary|stream [--concurrency N] [--seconds S] [--payload BYTES]");
    return 2;
}
