using Instrumentor.Collector.Commands;

return await CollectorCommandLine.RunAsync(args).ConfigureAwait(false);
