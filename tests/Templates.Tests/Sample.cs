using System.Text.Json;

namespace Berth.Templates.Tests;

/// <summary>
/// What most specs render: a container-like JSON document. Its keys are sorted at every level, so the order Go
/// gives a map[string]interface{} and the order of the document agree; each expectation is what Go's
/// text/template (with docker's functions) prints for the same template over the same JSON.
/// </summary>
internal static class Sample
{
    public static readonly JsonElement Container = JsonDocument.Parse("""
        {"Config":{"Cmd":null,"Env":["A=1","B=2"],"Labels":{"a":"first","z":"last"},"Tty":false},
         "Count":3,"Empty":"","Html":"<a&b>","List":[],"Map":{},"Name":"/web",
         "NetworkSettings":{"Networks":{"backend":{"IPAddress":"10.0.0.5"},"bridge":{"IPAddress":"172.17.0.2"}}},
         "Nums":[3,1,2],"Ratio":0.5,"State":{"ExitCode":0,"Pid":42,"Running":true,"Status":"running"},"Uni":"ünï"}
        """).RootElement.Clone();

    /// <summary>Parses and runs <paramref name="template"/> over the sample container.</summary>
    public static string Render(string template) => GoTemplate.Parse(template).Execute(Container);

    /// <summary>The message of the TemplateException that parsing or running <paramref name="template"/> throws.</summary>
    public static string Failure(string template) => Assert.Throws<TemplateException>(() => Render(template)).Message;
}
