using Xunit.Abstractions;
using Xunit.Sdk;

namespace RagPlatform.Retrieval.Tests.Infrastructure;

/// <summary>The live Qdrant this machine may be given: QDRANT_URL, its gRPC endpoint (and optionally QDRANT_API_KEY).</summary>
internal static class LiveQdrant
{
    public const string UrlVariable = "QDRANT_URL";

    public static string? Url => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;

    public static string? ApiKey => Environment.GetEnvironmentVariable("QDRANT_API_KEY") is { Length: > 0 } key ? key : null;

    public static string SkipReason => $"{UrlVariable} is not set, so there is no live Qdrant to test against (e.g. {UrlVariable}=http://localhost:6334, its gRPC port).";
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
/// Marks a test class whose tests all need something this machine may lack. Inherited tests cannot carry a per-class
/// Skip, so the contract suite's <see cref="ContractFactAttribute"/> and <see cref="ContractTheoryAttribute"/> ask their
/// discoverers to look for these on the concrete class and report every test skipped, with the reason, when one is unmet.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public abstract class ClassRequirementAttribute : Attribute
{
    /// <summary>Null when met; otherwise the skip reason.</summary>
    public abstract string? UnmetReason { get; }
}

/// <summary>The class needs an environment variable (a live service's address).</summary>
public sealed class RequiresEnvironmentVariableAttribute(string name) : ClassRequirementAttribute
{
    public string Name { get; } = name;

    public override string? UnmetReason => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Name))
        ? Name == LiveQdrant.UrlVariable ? LiveQdrant.SkipReason : $"{Name} is not set, so there is no live service for this suite."
        : null;
}

/// <summary>The class needs a Docker engine (Testcontainers); probed once, bounded (see <see cref="DockerEngine"/>).</summary>
public sealed class RequiresDockerEngineAttribute : ClassRequirementAttribute
{
    public override string? UnmetReason => DockerEngine.UnavailableReason is { } reason ? $"Testcontainers needs a Docker engine: {reason}" : null;
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
        UnmetRequirement.SkippedOrNull(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        UnmetRequirement.SkippedOrNull(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class UnmetRequirement
{
    public static IEnumerable<IXunitTestCase>? SkippedOrNull(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod)
    {
        foreach (var requirement in testMethod.TestClass.Class.ToRuntimeType().GetCustomAttributes(typeof(ClassRequirementAttribute), inherit: true)
                     .Cast<ClassRequirementAttribute>())
        {
            if (requirement.UnmetReason is { } reason)
            {
                return
                [
                    new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason),
                ];
            }
        }

        return null;
    }
}
