using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Instrumentor.Collector.Alerts.Config;
using Instrumentor.Collector.Alerts.Evaluation;

namespace Instrumentor.Collector.Alerts.Reload;

/// <summary>
/// Reloads the alerts file on <c>SIGHUP</c> and when the file changes (a short quiet time first, since editors write a
/// file in several steps). A file that does not validate changes nothing: the rules in force stay and the reason is
/// logged and shown in <c>/api/alerts</c> (<c>reload_error</c>) until a good version arrives.
/// </summary>
internal sealed class AlertReloader : IDisposable
{
    private static readonly TimeSpan QuietTime = TimeSpan.FromMilliseconds(300);

    private readonly AlertEngine _engine;
    private readonly string _path;
    private readonly object _gate = new();
    private readonly Timer _debounce;
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _hangup;
    private string? _lastText;
    private bool _disposed;

    public AlertReloader(AlertEngine engine, string path, string? loadedText = null)
    {
        _engine = engine;
        _path = Path.GetFullPath(path);
        _lastText = loadedText;
        _debounce = new Timer(_ => Reload(force: false), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Starts listening for SIGHUP and for changes of the file.</summary>
    public void Start()
    {
        try
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled: SIGHUP means "reload" to a daemon, never "stop".
                context.Cancel = true;
                Reload(force: true);
            });
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException)
        {
            // No SIGHUP here (Windows): the file watcher still reloads.
        }

        string? directory = Path.GetDirectoryName(_path);
        if (directory is not null && Directory.Exists(directory))
        {
            _watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => Soon();
            _watcher.Created += (_, _) => Soon();
            _watcher.Renamed += (_, _) => Soon();
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Reads the file now and applies it if it is valid (SIGHUP does this; tests may too).</summary>
    /// <param name="force">Apply even when the text did not change (SIGHUP: the user asked).</param>
    public void Reload(bool force)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            string text;
            try
            {
                text = File.ReadAllText(_path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _engine.ReloadFailed($"{_path}: cannot read the alerts file: {e.Message}");
                return;
            }

            if (!force && text == _lastText)
            {
                return;
            }

            try
            {
                AlertConfig config = AlertConfigReader.Parse(text, _engine.ConfigPath);
                _engine.Apply(config);
                _lastText = text;
            }
            catch (AlertConfigException e)
            {
                _engine.ReloadFailed(e.Message);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _hangup?.Dispose();
        _watcher?.Dispose();
        _debounce.Dispose();
    }

    private void Soon() => _debounce.Change(QuietTime, Timeout.InfiniteTimeSpan);
}
