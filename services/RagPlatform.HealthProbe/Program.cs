using RagPlatform.HealthProbe;

// Docker runs this every few seconds: keep it a single call with a hard deadline.
return await HealthProbe.RunAsync(args, Console.Out, Console.Error);
