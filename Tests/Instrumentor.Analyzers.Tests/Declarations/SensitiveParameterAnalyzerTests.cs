using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class SensitiveParameterAnalyzerTests
{
    private static DiagnosticResult Expected(string parameter, string method, int markup = 0) =>
        Verify<SensitiveParameterAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitiveParameterCaptured, markup).WithArguments("Parameter", parameter, method);

    private static DiagnosticResult ExpectedProperty(string property, string method, int markup = 0) =>
        Verify<SensitiveParameterAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitiveParameterCaptured, markup).WithArguments("Property", property, method);

    [Test]
    public Task String_password_parameter_of_monitored_method_is_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Auth
            {
                [Monitor] public bool Login(string user, string {|#0:password|}) => true;
            }
            """,
            Expected("password", "Auth.Login(string, string)"));

    [Test]
    public Task Name_match_ignores_case_and_finds_fragments_inside_names() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Auth
            {
                [Monitor]
                public void Call(string {|#0:RefreshToken|}, string {|#1:client_API_KEY|}, long {|#2:userSsn|}, string {|#3:dbPasswd|}, int? {|#4:private_key_id|}, string plain) { }
            }
            """,
            Expected("RefreshToken", "Auth.Call(string, string, long, string, int?, string)"),
            Expected("client_API_KEY", "Auth.Call(string, string, long, string, int?, string)", 1),
            Expected("userSsn", "Auth.Call(string, string, long, string, int?, string)", 2),
            Expected("dbPasswd", "Auth.Call(string, string, long, string, int?, string)", 3),
            Expected("private_key_id", "Auth.Call(string, string, long, string, int?, string)", 4));

    [Test]
    public Task Parameters_marked_Sensitive_or_NotCaptured_are_not_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Auth
            {
                [Monitor] public bool Login(string user, [Sensitive] string password, [NotCaptured] string apiKey) => true;
            }
            """);

    [Test]
    public Task Types_whose_content_is_never_stored_are_not_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;
            using System.Threading;
            using Instrumentor;
            class Credentials { public string Secret = ""; }
            class Auth
            {
                [Monitor]
                public void Call(Credentials credentials, CancellationToken cancellationToken, List<string> tokens, byte[] secret) { }
            }
            """);

    [Test]
    public Task Type_that_may_be_stored_as_text_is_reported_unless_it_is_marked_Sensitive() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            record Credential(string User, string Password);
            [Sensitive] record SealedSecret(string Value);
            record DerivedSecret(string Value, int Version) : SealedSecret(Value);
            class Auth
            {
                [Monitor] public void Call(Credential {|#0:credential|}, SealedSecret secret, DerivedSecret otherSecret) { }
            }
            """,
            Expected("credential", "Auth.Call(Credential, SealedSecret, DerivedSecret)"));

    [Test]
    public Task Methods_of_monitored_types_and_MonitorAll_selections_are_checked() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [assembly: MonitorAll(Include = "^Fetch")]
            [Monitor]
            class Vault
            {
                public string Open(string {|#0:secret|}) => "";
            }
            class Client
            {
                public string FetchData(string {|#1:token|}) => "";
                public string Other(string token) => "";
            }
            """,
            Expected("secret", "Vault.Open(string)"),
            Expected("token", "Client.FetchData(string)", 1));

    [Test]
    public Task Arguments_are_not_checked_when_CaptureArgs_is_false() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            [Monitor(CaptureArgs = false)]
            class Vault
            {
                public string Open(string secret) => "";
                [Monitor] public string Rotate(string {|#0:secret|}) => "";
            }
            class Auth
            {
                [Monitor(CaptureArgs = false)] public bool Login(string password) => true;
            }
            """,
            Expected("secret", "Vault.Rotate(string)"));

    [Test]
    public Task Unmonitored_methods_are_not_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            class Auth
            {
                public bool Login(string user, string password) => true;
            }
            """);

    [Test]
    public Task Sensitive_looking_properties_of_summarized_arguments_and_results_are_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using System.Threading.Tasks;
            using Instrumentor;
            record LoginRequest(string User, string {|#0:Password|});
            class Session
            {
                public string Id { get; set; } = "";
                public string {|#1:AccessToken|} { get; set; } = "";
                public int? {|#2:SecretLevel|} { get; init; }
                public string WrittenOnly { set { } }
                private string PrivateSecret { get; set; } = "";
                public static string StaticSecret { get; set; } = "";
            }
            class Auth
            {
                [Monitor] public Task<Session> Login(LoginRequest request) => Task.FromResult(new Session());
            }
            """,
            ExpectedProperty("LoginRequest.Password", "Auth.Login(LoginRequest)"),
            ExpectedProperty("Session.AccessToken", "Auth.Login(LoginRequest)", 1),
            ExpectedProperty("Session.SecretLevel", "Auth.Login(LoginRequest)", 2));

    [Test]
    public Task Properties_marked_Sensitive_or_NotCaptured_or_in_a_Sensitive_type_are_not_reported() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            record LoginRequest(string User, [property: Sensitive] string Password);
            class Account
            {
                [Sensitive] public string Password { get; set; } = "";
                [NotCaptured] public string ApiKey { get; set; } = "";
            }
            [Sensitive] class Vault { public string Secret { get; set; } = ""; }
            class Auth
            {
                [Monitor] public void Login(LoginRequest request, Account account, Vault vault) { }
            }
            """);

    [Test]
    public Task Properties_are_not_reported_when_no_summary_stores_them() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;
            using Instrumentor;
            class Credentials { public string Secret { get; set; } = ""; }
            class Wallet { public List<string> Tokens { get; set; } = new(); public Credentials? Credential { get; set; } }
            class Page { public int Count { get; set; } public string Token { get; set; } = ""; }
            class Wide
            {
                public int A { get; set; }
                public int B { get; set; }
                public int C { get; set; }
                public int D { get; set; }
                public string Token { get; set; } = "";
            }
            record Unused(string Password);
            record Hidden(string Password);
            record Masked(string Password);
            class Shop
            {
                [Monitor(Serializer = ValueSerializer.TypeName)] public void Named(Credentials credentials) { }
                [Monitor(CaptureArgs = false)] public void NoArgs(Credentials credentials) { }
                [Monitor(CaptureResult = false)] public Credentials NoResult() => new();
                [Monitor] public void Nested(Wallet wallet, Page page, Wide wide) { }
                [Monitor] public void Skipped([NotCaptured] Hidden hidden, [Sensitive] Masked masked) { }
                public void NotMonitored(Unused unused) { }
            }
            """);

    [Test]
    public Task Repr_summarizes_a_record_with_a_masked_property_but_not_a_class_with_its_own_ToString() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            record LoginRequest(string User, string {|#0:Password|});
            class Printed
            {
                public string Secret { get; set; } = "";
                public override string ToString() => "printed";
            }
            class Auth
            {
                [Monitor(Serializer = ValueSerializer.Repr)] public void Login(LoginRequest request, Printed printed) { }
            }
            """,
            ExpectedProperty("LoginRequest.Password", "Auth.Login(LoginRequest, Printed)"));

    [Test]
    public Task Properties_of_a_constructed_generic_type_and_of_a_base_type_are_reported_on_their_declaration() =>
        Verify<SensitiveParameterAnalyzer>.AnalyzerAsync(
            """
            using Instrumentor;
            class Box<T>
            {
                public T? Value { get; set; }
                public string {|#0:Token|} { get; set; } = "";
            }
            class Entity { public string {|#1:Secret|} { get; set; } = ""; }
            class User : Entity { public string Name { get; set; } = ""; }
            class Store
            {
                [Monitor] public void Put(Box<int> box, User user) { }
            }
            """,
            ExpectedProperty("Box.Token", "Store.Put(Box<int>, User)"),
            ExpectedProperty("Entity.Secret", "Store.Put(Box<int>, User)", 1));
}
