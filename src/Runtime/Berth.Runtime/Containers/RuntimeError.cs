namespace Berth.Runtime.Containers;

/// <summary>An operation failed for a reason the user can act on; the message says which.</summary>
public sealed class RuntimeError(string message) : Exception(message);
