using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace Instrumentor.Logging;

/// <summary>Adds the Instrumentor log provider to a <see cref="ILoggingBuilder"/>.</summary>
public static class InstrumentorLoggingExtensions
{
    /// <summary>
    /// Adds the Instrumentor provider: every line stamped with the current span's ids and sent to the outputs the
    /// options turn on. Options come from <c>"Logging:Instrumentor"</c> first, then <paramref name="configure"/>.
    /// Invalid options (a bad endpoint URL) fail when the host builds its logger factory, with a message naming them.
    /// </summary>
    public static ILoggingBuilder AddInstrumentor(this ILoggingBuilder builder, Action<InstrumentorLoggerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConfiguration();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<InstrumentorLoggerOptions>, InstrumentorLoggerConfiguration>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, InstrumentorLoggerProvider>(
            static services => new InstrumentorLoggerProvider(services.GetRequiredService<IOptions<InstrumentorLoggerOptions>>().Value)));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }
}
