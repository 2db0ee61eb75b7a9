using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Instrumentor.Hosting;

/// <summary>
/// The checks of <see cref="Monitoring.Configure"/>, as options validation: the host refuses to start and the message
/// names each invalid option and its configuration key.
/// </summary>
internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        List<(string Option, string Message)> problems = options.Problems();
        if (problems.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>(problems.Count);
        foreach ((string option, string message) in problems)
        {
            failures.Add($"{message} (configuration key {MonitoringOptions.ConfigurationSection}:{option})");
        }

        return ValidateOptionsResult.Fail(failures);
    }
}
