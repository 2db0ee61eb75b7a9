namespace Instrumentor.Runtime;

/// <summary>A value held with its user formatter until the writer thread formats it.</summary>
internal sealed class DeferredFormat<T> : ICapturedFormatter
{
    private readonly T _value;
    private readonly IValueFormatter<T> _formatter;

    internal DeferredFormat(T value, IValueFormatter<T> formatter)
    {
        _value = value;
        _formatter = formatter;
    }

    public string? Format(in CapturedValue value) => _formatter.Format(_value);
}
