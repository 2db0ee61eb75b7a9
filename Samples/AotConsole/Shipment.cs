using System.Collections.Generic;
using Instrumentor;

namespace AotConsole;

/// <summary>A record captured as a compile-time summary: <c>Shipment { Id = 7, Destination = Lyon, ... }</c>.</summary>
/// <param name="Id">The shipment number.</param>
/// <param name="Destination">Where it goes.</param>
/// <param name="Parcels">The parcel weights (a collection: shown as its count).</param>
/// <param name="TrackingToken">Looks sensitive by name: shown as <c>***</c>, never read.</param>
/// <param name="Insured">Whether it is insured (left for <c>+k more</c>).</param>
public sealed record Shipment(int Id, string Destination, List<decimal> Parcels, string TrackingToken, bool Insured);

/// <summary>Quotes shipments: its argument is stored as an object summary, without reflection.</summary>
public static class Shipping
{
    /// <summary>The price of a shipment.</summary>
    [Monitor(ProcessGroup = "shipping")]
    public static decimal Quote(Shipment shipment)
    {
        decimal total = 0m;
        foreach (decimal weight in shipment.Parcels)
        {
            total += weight * 2m;
        }

        return shipment.Insured ? total + 1m : total;
    }
}
