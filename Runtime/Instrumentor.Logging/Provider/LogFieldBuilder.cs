using System.Collections.Generic;

namespace Instrumentor.Logging;

/// <summary>The fields of one line while they are gathered from the state and the scopes.</summary>
internal sealed class LogFieldBuilder
{
    private const int KeptCapacity = 64;

    private List<string>? _texts;

    internal List<KeyValuePair<string, object?>> Fields { get; } = new(8);

    internal void AddScope(object? scope)
    {
        // A dictionary or the pairs of a scope template (BeginScope("order {Id}", id)); a scope's template is not
        // the line's, so only its values become fields.
        if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
        {
            foreach (KeyValuePair<string, object?> pair in scopePairs)
            {
                if (pair.Key != "{OriginalFormat}")
                {
                    Fields.Add(pair);
                }
            }
        }
        else if (scope?.ToString() is { } text)
        {
            (_texts ??= []).Add(text);
        }
    }

    internal KeyValuePair<string, object?>[] ToArray()
    {
        if (_texts is { Count: > 0 } texts)
        {
            Fields.Add(new KeyValuePair<string, object?>("scopes", texts.ToArray()));
        }

        return Fields.Count == 0 ? [] : Fields.ToArray();
    }

    internal void Clear()
    {
        // The values are the caller's objects: drop the references so the thread does not keep them alive.
        Fields.Clear();
        if (Fields.Capacity > KeptCapacity)
        {
            Fields.Capacity = KeptCapacity;
        }

        _texts?.Clear();
    }
}
