using System.Globalization;

namespace RagPlatform.Retrieval;

public enum PayloadKind
{
    String,
    Integer,
    Double,
    Bool,
    DateTime,
    StringList,
}

/// <summary>One typed payload field value. Immutable; equal when kind and value are equal.</summary>
public sealed class PayloadValue : IEquatable<PayloadValue>
{
    public static readonly IReadOnlyDictionary<string, PayloadValue> EmptyPayload = new Dictionary<string, PayloadValue>();

    private readonly string? _string;
    private readonly long _integer;
    private readonly double _double;
    private readonly DateTimeOffset _dateTime;
    private readonly string[]? _strings;

    private PayloadValue(PayloadKind kind, string? text = null, long integer = 0, double number = 0,
        DateTimeOffset dateTime = default, string[]? strings = null)
    {
        Kind = kind;
        _string = text;
        _integer = integer;
        _double = number;
        _dateTime = dateTime;
        _strings = strings;
    }

    public PayloadKind Kind { get; }

    public static PayloadValue From(string value) => new(PayloadKind.String, text: value ?? throw new ArgumentNullException(nameof(value)));

    public static PayloadValue From(long value) => new(PayloadKind.Integer, integer: value);

    public static PayloadValue From(double value) => double.IsFinite(value)
        ? new(PayloadKind.Double, number: value)
        : throw new ArgumentOutOfRangeException(nameof(value), "A payload number must be finite.");

    public static PayloadValue From(bool value) => new(PayloadKind.Bool, integer: value ? 1 : 0);

    public static PayloadValue From(DateTimeOffset value) => new(PayloadKind.DateTime, dateTime: value);

    public static PayloadValue From(IEnumerable<string> values)
    {
        var copy = values.ToArray();
        return Array.Exists(copy, v => v is null)
            ? throw new ArgumentException("A payload string list cannot hold null.", nameof(values))
            : new(PayloadKind.StringList, strings: copy);
    }

    public static implicit operator PayloadValue(string value) => From(value);

    public static implicit operator PayloadValue(long value) => From(value);

    public static implicit operator PayloadValue(double value) => From(value);

    public static implicit operator PayloadValue(bool value) => From(value);

    public static implicit operator PayloadValue(DateTimeOffset value) => From(value);

    public static implicit operator PayloadValue(string[] values) => From(values);

    public string AsString() => Kind == PayloadKind.String ? _string! : throw WrongKind(PayloadKind.String);

    public long AsInteger() => Kind == PayloadKind.Integer ? _integer : throw WrongKind(PayloadKind.Integer);

    public double AsDouble() => Kind == PayloadKind.Double ? _double : throw WrongKind(PayloadKind.Double);

    public bool AsBool() => Kind == PayloadKind.Bool ? _integer != 0 : throw WrongKind(PayloadKind.Bool);

    public DateTimeOffset AsDateTime() => Kind == PayloadKind.DateTime ? _dateTime : throw WrongKind(PayloadKind.DateTime);

    public IReadOnlyList<string> AsStringList() => Kind == PayloadKind.StringList ? _strings! : throw WrongKind(PayloadKind.StringList);

    /// <summary>The value as a number when it is an Integer or a Double (range filters accept both).</summary>
    internal bool TryGetNumber(out double number)
    {
        number = Kind switch { PayloadKind.Integer => _integer, PayloadKind.Double => _double, _ => double.NaN };
        return Kind is PayloadKind.Integer or PayloadKind.Double;
    }

    public bool Equals(PayloadValue? other) => other is not null && other.Kind == Kind && Kind switch
    {
        PayloadKind.String => other._string == _string,
        PayloadKind.Integer or PayloadKind.Bool => other._integer == _integer,
        PayloadKind.Double => other._double.Equals(_double),
        PayloadKind.DateTime => other._dateTime.Equals(_dateTime),
        PayloadKind.StringList => other._strings!.AsSpan().SequenceEqual(_strings),
        _ => false,
    };

    public override bool Equals(object? obj) => Equals(obj as PayloadValue);

    public override int GetHashCode() => Kind switch
    {
        PayloadKind.String => HashCode.Combine(Kind, _string),
        PayloadKind.Integer or PayloadKind.Bool => HashCode.Combine(Kind, _integer),
        PayloadKind.Double => HashCode.Combine(Kind, _double),
        PayloadKind.DateTime => HashCode.Combine(Kind, _dateTime),
        _ => HashCode.Combine(Kind, _strings!.Length),
    };

    public override string ToString() => Kind switch
    {
        PayloadKind.String => _string!,
        PayloadKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        PayloadKind.Double => _double.ToString("R", CultureInfo.InvariantCulture),
        PayloadKind.Bool => _integer != 0 ? "true" : "false",
        PayloadKind.DateTime => _dateTime.ToString("O", CultureInfo.InvariantCulture),
        _ => "[" + string.Join(", ", _strings!) + "]",
    };

    private InvalidOperationException WrongKind(PayloadKind asked) =>
        new($"The payload value is a {Kind}, not a {asked}.");
}
