namespace Berth.Templates;

// The parsed form of a Go text/template. Positions are byte offsets in the source, as Go reports them.

internal abstract record TemplateNode(int Pos);

internal sealed record TextNode(int Pos, string Text) : TemplateNode(Pos);

internal sealed record ActionNode(int Pos, Pipeline Pipe) : TemplateNode(Pos);

/// <summary>if / range / with: the pipeline, the body, and the optional else branch.</summary>
internal sealed record BranchNode(int Pos, string Kind, Pipeline Pipe, List<TemplateNode> Body, List<TemplateNode>? Else) : TemplateNode(Pos);

internal sealed record BreakNode(int Pos) : TemplateNode(Pos);

internal sealed record ContinueNode(int Pos) : TemplateNode(Pos);

/// <summary>"$a, $b := cmd | cmd": declared variables (IsAssign when "=" re-assigns) and the commands.</summary>
internal sealed record Pipeline(int Pos, List<string> Vars, bool IsAssign, List<Command> Commands, string Source);

internal sealed record Command(int Pos, List<Operand> Args, string Source);

internal abstract record Operand(int Pos, string Source);

internal sealed record DotOperand(int Pos) : Operand(Pos, ".");

internal sealed record FieldOperand(int Pos, string[] Path, string Source) : Operand(Pos, Source);

internal sealed record VariableOperand(int Pos, string Name, string[] Path, string Source) : Operand(Pos, Source);

internal sealed record FunctionOperand(int Pos, string Name) : Operand(Pos, Name);

internal sealed record ConstantOperand(int Pos, object? Value, string Source) : Operand(Pos, Source);

/// <summary>"(pipeline).Field.Sub": a parenthesized pipeline, optionally followed by field accesses.</summary>
internal sealed record ChainOperand(int Pos, Pipeline Inner, string[] Path, string Source) : Operand(Pos, Source);
