using System;
using System.Collections.Generic;

namespace Instrumentor.Sessions;

/// <summary>
/// Prices by model name. A model is priced by its exact name, else by the longest name in the table it starts with
/// (so <c>gpt-4o-2024-08-06</c> takes the price of <c>gpt-4o</c>); names compare case-insensitively.
/// </summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _lock = new();

    /// <summary>The price of <paramref name="model"/>; setting replaces it.</summary>
    /// <exception cref="KeyNotFoundException">No price matches the model.</exception>
    public ModelPrice this[string model]
    {
        get => TryGet(model, out ModelPrice price) ? price : throw new KeyNotFoundException($"no price for model '{model}'");
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(model);
            if (value.InputPerMTok < 0 || value.OutputPerMTok < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "prices must not be negative");
            }

            lock (_lock)
            {
                _prices[model] = value;
            }
        }
    }

    /// <summary>Finds the price of <paramref name="model"/>: exact name first, then the longest matching prefix.</summary>
    public bool TryGet(string? model, out ModelPrice price)
    {
        price = default;
        if (string.IsNullOrEmpty(model))
        {
            return false;
        }

        lock (_lock)
        {
            if (_prices.TryGetValue(model, out price))
            {
                return true;
            }

            int best = 0;
            foreach (KeyValuePair<string, ModelPrice> entry in _prices)
            {
                if (entry.Key.Length > best && model.StartsWith(entry.Key, StringComparison.OrdinalIgnoreCase))
                {
                    best = entry.Key.Length;
                    price = entry.Value;
                }
            }

            return best > 0;
        }
    }
}
