using System;
using Instrumentor;
using Instrumentor.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// The conventional namespace of IServiceCollection extensions: AddInstrumentor is found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Instrumentor with a Microsoft.Extensions.Hosting host (ASP.NET Core, worker services): the options are
/// validated when the host starts, the tracing pipeline starts with the host, and the host's shutdown flushes it.
/// </summary>
/// <remarks>
/// The pipeline is process-wide (monitored calls are intercepted at compile time and do not go through DI), so
/// these options apply to the whole process. Options can be changed after any of these calls with
/// <c>services.Configure&lt;MonitoringOptions&gt;(o =&gt; ...)</c> or
/// <c>services.PostConfigure&lt;MonitoringOptions&gt;(o =&gt; ...)</c>.
/// </remarks>
public static class InstrumentorServiceCollectionExtensions
{
    /// <summary>Adds Instrumentor with the default options (see <see cref="MonitoringOptions"/>).</summary>
    /// <param name="services">The host's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddInstrumentor(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MonitoringOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>());
        services.AddHostedService<InstrumentorHostedService>();
        return services;
    }

    /// <summary>Adds Instrumentor with options set in code.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the options, starting from the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddInstrumentor(this IServiceCollection services, Action<MonitoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddInstrumentor();
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Adds Instrumentor with options bound from the <c>"Instrumentor"</c> section of <paramref name="configuration"/>
    /// (<see cref="MonitoringOptions.ConfigurationSection"/>); keys are the option names, e.g.
    /// <c>Instrumentor:DatabasePath</c>, <c>Instrumentor:QueueCapacity</c>, <c>Instrumentor:FlushInterval</c> (a TimeSpan
    /// such as <c>00:00:00.250</c>). Missing keys keep their defaults; an unknown key (a typo) or a value that does not
    /// convert stops the host at start with a message naming the key.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The application's configuration (its root, not the section).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddInstrumentor(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddInstrumentor();
        // Bound by the configuration binder's source generator (EnableConfigurationBindingGenerator): no reflection.
        services.AddOptions<MonitoringOptions>().Bind(
            configuration.GetSection(MonitoringOptions.ConfigurationSection), binder => binder.ErrorOnUnknownConfiguration = true);
        return services;
    }
}
