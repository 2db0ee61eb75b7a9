namespace Instrumentor.Sessions;

/// <summary>A stored event or message whose embedding is close to a query vector.</summary>
/// <param name="Id">The event's or message's id.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="Similarity">Cosine similarity, -1 to 1.</param>
public sealed record SimilarityMatch(string Id, string SessionId, double Similarity);
