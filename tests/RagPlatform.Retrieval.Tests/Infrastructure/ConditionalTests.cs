using Xunit.Abstractions;
using Xunit.Sdk;

namespace RagPlatform.Retrieval.Tests.Infrastructure;

/// <summary>The live Qdrant this machine may be given: QDRANT_URL (and optionally QDRANT_API_KEY).</summary>
internal static class LiveQdrant
{
    public const string UrlVariable = "QDRANT_URL";

    public static string? Url => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;

    public static string? ApiKey => Environment.GetEnvironmentVariable("QDRANT_API_KEY") is { Length: > 0 } key ? key : null;

    public static string SkipReason => $"{UrlVariable} is not set, so there is no live Qdrant to test against (e.g. {UrlVariable}=http://localhost:6333).";
}

/// <summary>A fact that runs only against a live Qdrant: skipped, with the reason, when QDRANT_URL is unset.</summary>
public sealed class LiveQdrantFactAttribute : FactAttribute
{
    public LiveQdrantFactAttribute()
    {
        if (LiveQdrant.Url is null)
        {
            Skip = LiveQdrant.SkipReason;
        }
    }
}

/// <summary>
/// Marks a test class whose tests all need an environment variable. Inherited tests cannot carry a per-class
/// Skip, so the contract suite's <see cref="ContractFactAttribute"/> and <see cref="ContractTheoryAttribute"/>
/// ask their discoverers to look for this on the concrete class and report every test skipped when it is unset.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentVariableAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

[XunitTestCaseDiscoverer("RagPlatform.Retrieval.Tests.Infrastructure.ContractFactDiscoverer", "RagPlatform.Retrieval.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

[XunitTestCaseDiscoverer("RagPlatform.Retrieval.Tests.Infrastructure.ContractTheoryDiscoverer", "RagPlatform.Retrieval.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractTheoryAttribute : TheoryAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        MissingVariable.SkippedOrNull(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        MissingVariable.SkippedOrNull(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class MissingVariable
{
    public static IEnumerable<IXunitTestCase>? SkippedOrNull(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod)
    {
        foreach (var requirement in testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute)))
        {
            var name = (string)requirement.GetConstructorArguments().Single();
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                return
                [
                    new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod,
                        $"{name} is not set, so there is no live service for this suite (e.g. {name}=http://localhost:6333)."),
                ];
            }
        }

        return null;
    }
}
