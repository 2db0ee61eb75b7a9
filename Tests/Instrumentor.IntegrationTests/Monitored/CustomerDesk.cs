using System.Collections.Generic;
using System.Text.Json.Serialization;
using Instrumentor;

namespace Instrumentor.IntegrationTests.Monitored;

/// <summary>A customer whose secrets sit in properties: summaries must mask them.</summary>
public sealed class Customer
{
    public string Name { get; set; } = "";

    /// <summary>Masked by its default sensitive name.</summary>
    public string Password { get; set; } = "";

    /// <summary>Masked by its attribute.</summary>
    [Sensitive]
    public string Card { get; set; } = "";

    /// <summary>Masked by the method's SensitiveNames ("pin").</summary>
    public string Pin { get; set; } = "";

    /// <summary>Left out entirely.</summary>
    [NotCaptured]
    public string Memo { get; set; } = "";

    /// <summary>A nested dictionary: only its count reaches a summary.</summary>
    public Dictionary<string, string> Extras { get; set; } = new();
}

/// <summary>A result holding a secret in a property.</summary>
public sealed record Receipt(int Number, string ApiToken);

/// <summary>What the Json serializer stores.</summary>
public sealed record Invoice(int Number, string Customer, decimal Amount);

/// <summary>The source-generated System.Text.Json metadata the Json serializer uses (no reflection).</summary>
[JsonSerializable(typeof(Invoice))]
public sealed partial class CaptureJsonContext : JsonSerializerContext
{
}

/// <summary>Monitored methods whose objects are captured as summaries, JSON and masked results.</summary>
public static class CustomerDesk
{
    [Monitor(SensitiveNames = new[] { "pin", "iban" })]
    public static Receipt Register(Customer customer, string payerIban, Dictionary<string, string> headers) =>
        new(customer.Name.Length + payerIban.Length + headers.Count, "tok-" + customer.Name);

    [Monitor]
    [return: Sensitive]
    public static string IssueKey(string user) => "key-for-" + user;

    [Monitor]
    public static Receipt Renew(Receipt receipt) => receipt with { Number = receipt.Number + 1 };

    [Monitor(Serializer = ValueSerializer.Json, JsonContext = typeof(CaptureJsonContext))]
    public static Invoice Send(Invoice invoice) => invoice;

    // On purpose: Receipt is not in the context, which INSTR012 reports; at run time it is stored as an error.
#pragma warning disable INSTR012
    [Monitor(Serializer = ValueSerializer.Json, JsonContext = typeof(CaptureJsonContext))]
    public static int Misconfigured(Receipt receipt) => receipt.Number;
#pragma warning restore INSTR012
}
