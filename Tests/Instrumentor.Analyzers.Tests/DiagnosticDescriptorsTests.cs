using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Instrumentor.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Instrumentor.Analyzers.Tests;

public sealed class DiagnosticDescriptorsTests
{
    private static readonly DiagnosticDescriptor[] s_descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .ToArray();

    private static readonly DiagnosticAnalyzer[] s_analyzers = typeof(DiagnosticDescriptors).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToArray();

    private static IEnumerable<TestCaseData> Descriptors() =>
        s_descriptors.Select(descriptor => new TestCaseData(descriptor).SetArgDisplayNames(descriptor.Id));

    [Test]
    public void Table_has_one_descriptor_per_id_from_INSTR001_to_INSTR013_plus_INSTR900()
    {
        var ids = s_descriptors.Select(descriptor => descriptor.Id).OrderBy(id => id, StringComparer.Ordinal).ToArray();

        ids.ShouldBe(Enumerable.Range(1, 13).Select(n => $"INSTR{n:000}").Append("INSTR900").ToArray());
    }

    [TestCaseSource(nameof(Descriptors))]
    public void Descriptor_has_category_help_link_and_a_title_without_period(DiagnosticDescriptor descriptor)
    {
        descriptor.Category.ShouldBe("Instrumentor");
        descriptor.HelpLinkUri.ShouldBe($"https://github.com/instrumentor/instrumentor/blob/main/docs/rules/{descriptor.Id}.md");
        descriptor.IsEnabledByDefault.ShouldBeTrue();
        descriptor.Title.ToString().ShouldNotEndWith(".");
    }

    [TestCaseSource(nameof(Descriptors))]
    public void Descriptor_has_a_rule_page_listed_in_the_index(DiagnosticDescriptor descriptor)
    {
        var rules = Path.Combine(RepositoryRoot.Path, "docs", "rules");

        File.Exists(Path.Combine(rules, descriptor.Id + ".md")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(rules, "README.md")).ShouldContain($"({descriptor.Id}.md)");
    }

    [TestCaseSource(nameof(Descriptors))]
    public void Descriptor_is_tracked_in_the_unshipped_release_with_its_severity(DiagnosticDescriptor descriptor)
    {
        var unshipped = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Analyzers", "Instrumentor.Analyzers", "AnalyzerReleases.Unshipped.md"));

        unshipped.ShouldContain(line => line.StartsWith($"{descriptor.Id} | Instrumentor | {descriptor.DefaultSeverity} |", StringComparison.Ordinal));
    }

    [Test]
    public void Every_descriptor_but_the_generator_failure_is_reported_by_exactly_one_analyzer()
    {
        var supported = s_analyzers.SelectMany(analyzer => analyzer.SupportedDiagnostics).Select(descriptor => descriptor.Id).ToArray();

        supported.ShouldBeUnique();
        supported.OrderBy(id => id, StringComparer.Ordinal)
            .ShouldBe(s_descriptors.Select(descriptor => descriptor.Id).Where(id => id != DiagnosticIds.GeneratorFailure).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Test]
    public void Generator_failure_constants_match_its_descriptor()
    {
        DiagnosticDescriptors.GeneratorFailure.Id.ShouldBe(DiagnosticIds.GeneratorFailure);
        DiagnosticDescriptors.GeneratorFailure.Title.ToString().ShouldBe(DiagnosticIds.GeneratorFailureTitle);
        DiagnosticDescriptors.GeneratorFailure.MessageFormat.ToString().ShouldBe(DiagnosticIds.GeneratorFailureMessageFormat);
    }

    [Test]
    public void Generator_reports_INSTR900_with_the_documented_title_and_message()
    {
        // The generator declares its own descriptor (it cannot reference this assembly); this catches a drift.
        var generator = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Generator", "Instrumentor.Generator", "GeneratorDiagnostics.cs"));
        if (generator.Contains("DiagnosticIds.GeneratorFailure", StringComparison.Ordinal))
        {
            return;
        }

        generator.ShouldContain('"' + DiagnosticIds.GeneratorFailure + '"');
        generator.ShouldContain('"' + DiagnosticIds.GeneratorFailureTitle + '"');
        generator.ShouldContain('"' + DiagnosticIds.GeneratorFailureMessageFormat + '"');
    }

    [Test]
    public void Compilation_end_rules_carry_the_CompilationEnd_tag()
    {
        DiagnosticDescriptors.InterceptorsNotEnabled.CustomTags.ShouldContain(WellKnownDiagnosticTags.CompilationEnd);
        DiagnosticDescriptors.CompilerTooOld.CustomTags.ShouldContain(WellKnownDiagnosticTags.CompilationEnd);
    }
}
