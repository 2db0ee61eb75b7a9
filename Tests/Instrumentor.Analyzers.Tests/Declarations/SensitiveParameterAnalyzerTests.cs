using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.Declarations;

public sealed class SensitiveParameterAnalyzerTests
{
    private static DiagnosticResult Expected(string parameter, string method, int markup = 0) =>
        Verify<SensitiveParameterAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitiveParameterCaptured, markup).WithArguments(parameter, method);

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
}
