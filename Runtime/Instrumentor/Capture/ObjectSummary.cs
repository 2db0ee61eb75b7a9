using System;
using System.ComponentModel;
using System.Text;

namespace Instrumentor.Runtime;

/// <summary>
/// A shallow summary of an object, <c>Order { Id = 3, Sku = apple, +3 more }</c>, filled by generated code on the
/// caller's thread at call time and turned into text on the writer thread. It holds up to <see cref="MaxShown"/>
/// properties as <see cref="CapturedValue"/>s, so primitive properties are stored by value (one allocation per summary).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ObjectSummary : ICapturedFormatter
{
    /// <summary>The most properties a summary shows; the rest are counted as <c>+k more</c>.</summary>
    public const int MaxShown = 4;

    private readonly string _typeName;
    private readonly int _more;
    private string? _name0, _name1, _name2, _name3;
    private CapturedValue _value0, _value1, _value2, _value3;

    /// <summary>Starts the summary of a value of <paramref name="typeName"/>.</summary>
    /// <param name="typeName">The type shown before the braces.</param>
    /// <param name="more">How many further properties are left out of the text (shown as <c>+k more</c>).</param>
    public ObjectSummary(string typeName, int more)
    {
        _typeName = typeName;
        _more = more;
    }

    /// <summary>Stores property <paramref name="name"/> at <paramref name="index"/> (0 to <see cref="MaxShown"/> - 1).</summary>
    /// <param name="index">The slot.</param>
    /// <param name="name">The property name.</param>
    /// <param name="value">Its value, read now.</param>
    public void Set(int index, string name, CapturedValue value)
    {
        switch (index)
        {
            case 0: _name0 = name; _value0 = value; break;
            case 1: _name1 = name; _value1 = value; break;
            case 2: _name2 = name; _value2 = value; break;
            case 3: _name3 = name; _value3 = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(index), index, "A summary holds at most " + MaxShown + " properties.");
        }
    }

    /// <summary>Records that reading property <paramref name="name"/> threw: stored as <c>&lt;error: ExceptionType&gt;</c>.</summary>
    /// <param name="index">The slot.</param>
    /// <param name="name">The property name.</param>
    /// <param name="error">What the getter threw (its message is not stored: it may quote the value).</param>
    public void SetError(int index, string name, Exception error) =>
        Set(index, name, CapturedValue.FromText("<error: " + (error?.GetType().Name ?? "Exception") + ">"));

    /// <summary>The summary as a captured value, formatted on the writer thread.</summary>
    public CapturedValue ToCaptured() => CapturedValue.FromSummary(this);

    /// <inheritdoc />
    string? ICapturedFormatter.Format(in CapturedValue value) => ToString();

    /// <summary>The summary text: <c>Type { A = 1, B = x, +2 more }</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(_typeName).Append(" {");
        int written = 0;
        Append(text, _name0, _value0, ref written);
        Append(text, _name1, _value1, ref written);
        Append(text, _name2, _value2, ref written);
        Append(text, _name3, _value3, ref written);
        if (_more > 0)
        {
            text.Append(written == 0 ? " +" : ", +").Append(_more).Append(" more");
            written++;
        }

        return text.Append(written == 0 ? "}" : " }").ToString();
    }

    private static void Append(StringBuilder text, string? name, in CapturedValue value, ref int written)
    {
        if (name is null)
        {
            return;
        }

        text.Append(written == 0 ? " " : ", ").Append(name).Append(" = ")
            .Append(CapturedValueFormatter.Format(value, CapturedValueFormatter.HardMaxLength) ?? "null");
        written++;
    }
}
