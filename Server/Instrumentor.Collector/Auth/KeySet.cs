using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Instrumentor.Collector.Auth;

/// <summary>Keys compared in constant time (a timing side channel must not reveal a key's prefix).</summary>
internal sealed class KeySet
{
    private readonly byte[][] _keys;

    public KeySet(IEnumerable<string> keys) => _keys = keys.Where(k => k.Length > 0).Select(Encoding.UTF8.GetBytes).ToArray();

    public bool IsEmpty => _keys.Length == 0;

    public bool Contains(ReadOnlySpan<char> key)
    {
        byte[] candidate = Encoding.UTF8.GetBytes(key.ToArray());
        bool found = false;
        foreach (byte[] known in _keys)
        {
            found |= CryptographicOperations.FixedTimeEquals(known, candidate);
        }

        return found;
    }
}
