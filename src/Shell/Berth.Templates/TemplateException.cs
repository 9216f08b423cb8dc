namespace Berth.Templates;

/// <summary>A template that did not parse or could not run; the message is Go's ("template: :1: unexpected EOF").</summary>
public sealed class TemplateException(string message) : Exception(message);
