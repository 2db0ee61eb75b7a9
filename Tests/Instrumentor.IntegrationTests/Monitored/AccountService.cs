using Instrumentor;

namespace Instrumentor.IntegrationTests.Monitored;

/// <summary>A type whose every value is sensitive wherever it is captured.</summary>
[Sensitive]
public sealed record CardNumber(string Digits)
{
    public override string ToString() => Digits;
}

/// <summary>Monitored methods that receive secrets in every way the masking rules cover.</summary>
public static class AccountService
{
    [Monitor]
    public static bool Login(string user, string password) => user.Length + password.Length > 0;

    [Monitor]
    public static int Charge(string customer, string apiKey, [Sensitive] string note, [NotCaptured] string memo, CardNumber card) =>
        customer.Length + apiKey.Length + note.Length + memo.Length + card.Digits.Length;

    [Monitor]
    public static string Authenticate(string clientSecret, string authorizationHeader, string privateKeyPem, string ssnNumber) =>
        "ok:" + (clientSecret.Length + authorizationHeader.Length + privateKeyPem.Length + ssnNumber.Length);
}
