using System.Runtime.CompilerServices;
using Instrumentor.Runtime;

namespace Instrumentor;

/// <summary>
/// Room for the first <see cref="Capacity"/> captured arguments inside the record itself, so that the common
/// call (few arguments) allocates nothing; further arguments go to <see cref="SpanRecord.MoreArguments"/>.
/// </summary>
[InlineArray(Capacity)]
internal struct CapturedArguments
{
    internal const int Capacity = 4;

    private CapturedValue _first;
}
