namespace Berth.Shell.Formatting;

/// <summary>A --format template that did not parse or could not run; the message is docker's ("template parsing error: …").</summary>
public sealed class TemplateException(string message) : Exception(message);
