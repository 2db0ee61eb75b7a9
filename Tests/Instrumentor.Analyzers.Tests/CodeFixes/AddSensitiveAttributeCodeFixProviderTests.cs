using System.Threading.Tasks;
using Instrumentor.Analyzers.Declarations;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Instrumentor.CodeFixes;
using Microsoft.CodeAnalysis.Testing;

namespace Instrumentor.Analyzers.Tests.CodeFixes;

public sealed class AddSensitiveAttributeCodeFixProviderTests
{
    private static DiagnosticResult Expected(string parameter, string method, int markup = 0) =>
        Verify<SensitiveParameterAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitiveParameterCaptured, markup).WithArguments("Parameter", parameter, method);

    private static DiagnosticResult ExpectedProperty(string property, string method, int markup = 0) =>
        Verify<SensitiveParameterAnalyzer>.Diagnostic(DiagnosticDescriptors.SensitiveParameterCaptured, markup).WithArguments("Property", property, method);

    private static Task RunAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
        new InstrumentorCodeFixTest<SensitiveParameterAnalyzer, AddSensitiveAttributeCodeFixProvider>(source, fixedSource, expected).RunAsync();

    [Test]
    public Task Parameter_gets_Sensitive_when_the_using_exists() =>
        RunAsync(
            """
            using Instrumentor;

            class Auth
            {
                [Monitor] public bool Login(string user, string {|#0:password|}) => true;
            }
            """,
            """
            using Instrumentor;

            class Auth
            {
                [Monitor] public bool Login(string user, [Sensitive] string password) => true;
            }
            """,
            Expected("password", "Auth.Login(string, string)"));

    [Test]
    public Task Using_Instrumentor_is_added_when_missing() =>
        RunAsync(
            """
            using System;

            class Auth
            {
                [Instrumentor.Monitor]
                public bool Login(string user, string {|#0:password|}) => true;
            }
            """,
            """
            using System;
            using Instrumentor;

            class Auth
            {
                [Instrumentor.Monitor]
                public bool Login(string user, [Sensitive] string password) => true;
            }
            """,
            Expected("password", "Auth.Login(string, string)"));

    [Test]
    public Task Existing_parameter_attributes_are_kept() =>
        RunAsync(
            """
            using System.Runtime.InteropServices;
            using Instrumentor;

            class Auth
            {
                [Monitor] public bool Login([Optional] string {|#0:token|}) => true;
            }
            """,
            """
            using System.Runtime.InteropServices;
            using Instrumentor;

            class Auth
            {
                [Monitor] public bool Login([Optional][Sensitive] string token) => true;
            }
            """,
            Expected("token", "Auth.Login(string)"));

    [Test]
    public Task Fix_all_marks_every_parameter_of_the_document_and_adds_one_using() =>
        RunAsync(
            """
            namespace Shop;

            [Instrumentor.Monitor]
            class Auth
            {
                public bool Login(string user, string {|#0:password|}, string {|#1:apiKey|}) => true;
                public void Rotate(
                    string {|#2:oldSecret|},
                    string {|#3:newSecret|})
                {
                }
            }
            """,
            """
            using Instrumentor;

            namespace Shop;

            [Instrumentor.Monitor]
            class Auth
            {
                public bool Login(string user, [Sensitive] string password, [Sensitive] string apiKey) => true;
                public void Rotate(
                    [Sensitive] string oldSecret,
                    [Sensitive] string newSecret)
                {
                }
            }
            """,
            Expected("password", "Auth.Login(string, string, string)"),
            Expected("apiKey", "Auth.Login(string, string, string)", 1),
            Expected("oldSecret", "Auth.Rotate(string, string)", 2),
            Expected("newSecret", "Auth.Rotate(string, string)", 3));

    [Test]
    public Task Property_gets_Sensitive_on_its_own_line_after_its_doc_comment() =>
        RunAsync(
            """
            using Instrumentor;

            class Account
            {
                public string Name { get; set; } = "";

                /// <summary>The login secret.</summary>
                public string {|#0:Password|} { get; set; } = "";
            }

            class Auth
            {
                [Monitor] public void Save(Account account) { }
            }
            """,
            """
            using Instrumentor;

            class Account
            {
                public string Name { get; set; } = "";

                /// <summary>The login secret.</summary>
                [Sensitive]
                public string Password { get; set; } = "";
            }

            class Auth
            {
                [Monitor] public void Save(Account account) { }
            }
            """,
            ExpectedProperty("Account.Password", "Auth.Save(Account)"));

    [Test]
    public Task Fix_all_marks_record_positional_properties_with_the_property_target_and_parameters_plainly() =>
        RunAsync(
            """
            namespace Shop;

            record LoginRequest(string User, string {|#0:Password|}, string {|#1:ApiKey|});

            class Auth
            {
                [Instrumentor.Monitor] public bool Login(LoginRequest request, string {|#2:token|}) => true;
            }
            """,
            """
            using Instrumentor;

            namespace Shop;

            record LoginRequest(string User, [property: Sensitive] string Password, [property: Sensitive] string ApiKey);

            class Auth
            {
                [Instrumentor.Monitor] public bool Login(LoginRequest request, [Sensitive] string token) => true;
            }
            """,
            ExpectedProperty("LoginRequest.Password", "Auth.Login(LoginRequest, string)"),
            ExpectedProperty("LoginRequest.ApiKey", "Auth.Login(LoginRequest, string)", 1),
            Expected("token", "Auth.Login(LoginRequest, string)", 2));
}
