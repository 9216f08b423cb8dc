using System.Globalization;
using System.Text;

namespace Berth.Templates;

/// <summary>
/// A Go text/template with docker's functions (json, split, join, title, lower, upper, pad, truncate) and Go's
/// builtins (printf, print, println, len, index, eq, ne, lt, le, gt, ge, and, or, not, urlquery, slice).
/// Supports fields, chains, variables, pipelines, if/else if/else, range (with $i, $e), with, break/continue,
/// comments and trim markers. Data may be JsonElement/JsonNode, dictionaries or plain C# objects.
/// </summary>
public sealed class GoTemplate
{
    private delegate object? TemplateFunction(IReadOnlyList<object?> args, Func<string, Exception> fail);

    private sealed record Function(int MinArgs, int MaxArgs, TemplateFunction Invoke);

    private static readonly Dictionary<string, Function> Functions = BuildFunctions();
    private static readonly Dictionary<string, Function> HeaderOverrides = BuildHeaderOverrides();

    private readonly List<TemplateNode> _nodes;
    private readonly string _source;

    private GoTemplate(string source, List<TemplateNode> nodes)
    {
        _source = source;
        _nodes = nodes;
    }

    /// <summary>Parses a template; a syntax error throws TemplateException("template: :1: …").</summary>
    public static GoTemplate Parse(string source) =>
        new(source, TemplateParser.Parse(source, Functions.Keys.ToHashSet()));

    /// <summary>Runs the template over <paramref name="data"/>; failures throw TemplateException("template: :1:2: executing …").</summary>
    public string Execute(object? data) => Run(data, header: false);

    /// <summary>
    /// Runs the template the way docker renders a table header: over a map of field name → column title, with
    /// json/split/join/title/lower/upper/truncate passing the title through unchanged.
    /// </summary>
    public string ExecuteHeader(IReadOnlyDictionary<string, string> headers) =>
        Run(headers.ToDictionary(p => p.Key, p => (object?)p.Value), header: true);

    private string Run(object? data, bool header)
    {
        var state = new State(this, data, header);
        state.Walk(_nodes, data);
        return state.Output.ToString();
    }

    private sealed class BreakSignal : Exception;

    private sealed class ContinueSignal : Exception;

    private sealed class State(GoTemplate template, object? root, bool header)
    {
        public readonly StringBuilder Output = new();
        private readonly List<(string Name, object? Value)> _vars = [("$", root)];

        private Exception Fail(int pos, string source, string message)
        {
            var src = template._source;
            var before = src[..Math.Min(pos, src.Length)];
            var line = 1 + before.Count(c => c == '\n');
            var col = pos - (before.LastIndexOf('\n') + 1);
            return new TemplateException($"template: :{line}:{col}: executing \"\" at <{source}>: {message}");
        }

        public void Walk(List<TemplateNode> nodes, object? dot)
        {
            foreach (var node in nodes)
            {
                switch (node)
                {
                    case TextNode t:
                        Output.Append(t.Text);
                        break;
                    case ActionNode a:
                        {
                            var value = EvalPipeline(a.Pipe, dot, declare: true);
                            if (a.Pipe.Vars.Count == 0) Output.Append(TemplateValues.Print(value));
                            break;
                        }
                    case BranchNode b:
                        WalkBranch(b, dot);
                        break;
                    case BreakNode:
                        throw new BreakSignal();
                    case ContinueNode:
                        throw new ContinueSignal();
                }
            }
        }

        private void WalkBranch(BranchNode b, object? dot)
        {
            var mark = _vars.Count;
            try
            {
                if (b.Kind == "range") { WalkRange(b, dot); return; }
                var value = EvalPipeline(b.Pipe, dot, declare: true);
                if (TemplateValues.IsTrue(value)) Walk(b.Body, b.Kind == "with" ? value : dot);
                else if (b.Else != null) Walk(b.Else, dot);
            }
            finally { _vars.RemoveRange(mark, _vars.Count - mark); }
        }

        private void WalkRange(BranchNode b, object? dot)
        {
            var value = TemplateValues.Normalize(EvalPipeline(b.Pipe, dot, declare: false));
            var items = new List<(object? Key, object? Value)>();
            if (value is null or MissingValue) { }
            else if (value is long n) for (long i = 0; i < n; i++) items.Add((i, i));
            else if (TemplateValues.AsMap(value) is { } map) items.AddRange(map.Select(p => ((object?)p.Key, p.Value)));
            else if (TemplateValues.AsList(value) is { } list) items.AddRange(list.Select((x, i) => ((object?)(long)i, x)));
            else throw Fail(b.Pipe.Pos, b.Pipe.Source, $"range can't iterate over {TemplateValues.Print(value)}");

            if (items.Count == 0)
            {
                if (b.Else != null) Walk(b.Else, dot);
                return;
            }
            foreach (var (key, item) in items)
            {
                var mark = _vars.Count;
                if (b.Pipe.Vars.Count == 1) _vars.Add((b.Pipe.Vars[0], item));
                else if (b.Pipe.Vars.Count == 2) { _vars.Add((b.Pipe.Vars[0], key)); _vars.Add((b.Pipe.Vars[1], item)); }
                try { Walk(b.Body, item); }
                catch (ContinueSignal) { }
                catch (BreakSignal) { break; }
                finally { _vars.RemoveRange(mark, _vars.Count - mark); }
            }
        }

        private object? EvalPipeline(Pipeline pipe, object? dot, bool declare)
        {
            object? value = null;
            var hasFinal = false;
            foreach (var cmd in pipe.Commands)
            {
                value = EvalCommand(cmd, dot, hasFinal, value);
                hasFinal = true;
            }
            if (declare)
            {
                foreach (var name in pipe.Vars)
                {
                    if (pipe.IsAssign)
                    {
                        var idx = _vars.FindLastIndex(v => v.Name == name);
                        if (idx < 0) throw Fail(pipe.Pos, pipe.Source, $"undefined variable: {name}");
                        _vars[idx] = (name, value);
                    }
                    else _vars.Add((name, value));
                }
            }
            return value;
        }

        private object? EvalCommand(Command cmd, object? dot, bool hasFinal, object? final)
        {
            var first = cmd.Args[0];
            if (first is ConstantOperand { Value: null }) throw Fail(first.Pos, first.Source, "nil is not a command");
            if (first is FunctionOperand { Name: "and" or "or" } logic) return ShortCircuit(logic, cmd, dot, hasFinal, final);
            var rest = cmd.Args.Skip(1).Select(a => EvalOperand(a, dot)).ToList();
            if (hasFinal) rest.Add(final);
            switch (first)
            {
                case FunctionOperand f:
                    return Call(f, rest, cmd.Source);
                case FieldOperand fo when rest.Count > 0:
                    return WalkPath(dot, fo.Path, rest, fo);
                case VariableOperand vo when rest.Count > 0 && vo.Path.Length > 0:
                    return WalkPath(Variable(vo), vo.Path, rest, vo);
                case ChainOperand co when rest.Count > 0 && co.Path.Length > 0:
                    return WalkPath(EvalPipeline(co.Inner, dot, declare: false), co.Path, rest, co);
            }
            if (rest.Count > 0)
                throw Fail(first.Pos, first.Source, $"can't give argument to non-function {first.Source}");
            return EvalOperand(first, dot);
        }

        // Go's and/or stop evaluating their arguments once the result is known: {{and .List (index .List 0)}}.
        private object? ShortCircuit(FunctionOperand f, Command cmd, object? dot, bool hasFinal, object? final)
        {
            var count = cmd.Args.Count - 1 + (hasFinal ? 1 : 0);
            if (count == 0) throw Fail(f.Pos, f.Name, $"wrong number of args for {f.Name}: want at least 1 got 0");
            object? value = null;
            for (var i = 0; i < count; i++)
            {
                value = i < cmd.Args.Count - 1 ? EvalOperand(cmd.Args[i + 1], dot) : final;
                if (TemplateValues.IsTrue(value) == (f.Name == "or")) return value;
            }
            return value;
        }

        private object? EvalOperand(Operand op, object? dot) => op switch
        {
            DotOperand => dot,
            FieldOperand f => WalkPath(dot, f.Path, [], f),
            VariableOperand v => WalkPath(Variable(v), v.Path, [], v),
            ConstantOperand c => c.Value,
            FunctionOperand f => Call(f, [], f.Name),
            ChainOperand c => WalkPath(EvalPipeline(c.Inner, dot, declare: false), c.Path, [], c),
            _ => throw Fail(op.Pos, op.Source, "unsupported operand"),
        };

        private object? Variable(VariableOperand v)
        {
            var idx = _vars.FindLastIndex(x => x.Name == v.Name);
            if (idx < 0) throw Fail(v.Pos, v.Source, $"undefined variable: {v.Name}");
            return _vars[idx].Value;
        }

        private object? WalkPath(object? receiver, string[] path, IReadOnlyList<object?> finalArgs, Operand node)
        {
            for (var i = 0; i < path.Length; i++)
            {
                var args = i == path.Length - 1 ? finalArgs : [];
                receiver = TemplateValues.Field(receiver, path[i], args, m => Fail(node.Pos, node.Source, m));
            }
            return receiver;
        }

        // Go names the whole command in errors: at <slice .ID 0 4>.
        private object? Call(FunctionOperand f, IReadOnlyList<object?> args, string source)
        {
            var fn = header && HeaderOverrides.TryGetValue(f.Name, out var h) ? h : Functions[f.Name];
            if (args.Count < fn.MinArgs || args.Count > fn.MaxArgs)
            {
                var want = fn.MinArgs == fn.MaxArgs ? fn.MinArgs.ToString(CultureInfo.InvariantCulture) : $"at least {fn.MinArgs}";
                throw Fail(f.Pos, f.Name, $"wrong number of args for {f.Name}: want {want} got {args.Count}");
            }
            return fn.Invoke(args, m => Fail(f.Pos, source, $"error calling {f.Name}: {m}"));
        }
    }

    private static string Str(object? v, Func<string, Exception> fail) => TemplateValues.Normalize(v) switch
    {
        string s => s,
        var other => throw fail($"wrong type for value; expected string; got {TemplateValues.GoTypeName(other)}"),
    };

    private static int Int(object? v, Func<string, Exception> fail) => TemplateValues.Normalize(v) switch
    {
        long l => (int)l,
        double d when d == Math.Floor(d) => (int)d,
        var other => throw fail($"wrong type for value; expected int; got {TemplateValues.GoTypeName(other)}"),
    };

    private static Dictionary<string, Function> BuildFunctions()
    {
        static Function F(int min, int max, TemplateFunction f) => new(min, max, f);
        return new Dictionary<string, Function>
        {
            ["json"] = F(1, 1, (a, _) => TemplateValues.Json(a[0])),
            ["split"] = F(2, 2, (a, fail) => Split(Str(a[0], fail), Str(a[1], fail))),
            ["join"] = F(2, 2, (a, fail) =>
                string.Join(Str(a[1], fail), (TemplateValues.AsList(a[0]) ?? throw fail($"wrong type for value; expected []string; got {TemplateValues.GoTypeName(a[0])}"))
                    .Select(TemplateValues.Print))),
            ["title"] = F(1, 1, (a, fail) => Title(Str(a[0], fail))),
            ["lower"] = F(1, 1, (a, fail) => Str(a[0], fail).ToLowerInvariant()),
            ["upper"] = F(1, 1, (a, fail) => Str(a[0], fail).ToUpperInvariant()),
            ["pad"] = F(3, 3, (a, fail) =>
            {
                var s = Str(a[0], fail);
                return s.Length == 0 ? s : new string(' ', Int(a[1], fail)) + s + new string(' ', Int(a[2], fail));
            }),
            ["truncate"] = F(2, 2, (a, fail) =>
            {
                var s = Str(a[0], fail);
                var bytes = Encoding.UTF8.GetBytes(s);
                var n = Int(a[1], fail);
                return bytes.Length < n ? s : Encoding.UTF8.GetString(bytes, 0, n);
            }),
            ["printf"] = F(1, int.MaxValue, (a, fail) => GoFormat.Sprintf(Str(a[0], fail), a.Skip(1).ToList())),
            ["print"] = F(0, int.MaxValue, (a, _) => GoFormat.Sprint(a)),
            ["println"] = F(0, int.MaxValue, (a, _) => GoFormat.Sprintln(a)),
            ["len"] = F(1, 1, (a, fail) => (long)(TemplateValues.Normalize(a[0]) switch
            {
                string s => Encoding.UTF8.GetByteCount(s),
                null => throw fail("len of nil pointer"),
                var v when TemplateValues.AsMap(v) is { } m => m.Count,
                var v when TemplateValues.AsList(v) is { } l => l.Count,
                var v => throw fail($"len of type {TemplateValues.GoTypeName(v)}"),
            })),
            ["index"] = F(1, int.MaxValue, (a, fail) => Index(a, fail)),
            ["slice"] = F(1, 3, (a, fail) => Slice(a, fail)),
            ["not"] = F(1, 1, (a, _) => !TemplateValues.IsTrue(a[0])),
            ["and"] = F(1, int.MaxValue, (a, _) => a.FirstOrDefault(x => !TemplateValues.IsTrue(x), a[^1])),
            ["or"] = F(1, int.MaxValue, (a, _) => a.FirstOrDefault(TemplateValues.IsTrue, a[^1])),
            ["eq"] = F(1, int.MaxValue, (a, fail) => a.Count < 2 ? throw fail("missing argument for comparison") : a.Skip(1).Any(x => Compare(a[0], x, fail) == 0)),
            ["ne"] = F(2, 2, (a, fail) => Compare(a[0], a[1], fail) != 0),
            ["lt"] = F(2, 2, (a, fail) => Compare(a[0], a[1], fail, ordered: true) < 0),
            ["le"] = F(2, 2, (a, fail) => Compare(a[0], a[1], fail, ordered: true) <= 0),
            ["gt"] = F(2, 2, (a, fail) => Compare(a[0], a[1], fail, ordered: true) > 0),
            ["ge"] = F(2, 2, (a, fail) => Compare(a[0], a[1], fail, ordered: true) >= 0),
            ["urlquery"] = F(0, int.MaxValue, (a, _) => GoText.QueryEscape(GoFormat.Sprint(a))),
        };
    }

    private static Dictionary<string, Function> BuildHeaderOverrides()
    {
        // docker's HeaderFunctions: the header cell shows the column title, untouched.
        static Function Same(int n) => new(n, n, (a, _) => TemplateValues.Print(a[0]));
        return new Dictionary<string, Function>
        {
            ["json"] = Same(1), ["split"] = Same(2), ["join"] = Same(2), ["title"] = Same(1),
            ["lower"] = Same(1), ["upper"] = Same(1), ["truncate"] = Same(2),
        };
    }

    private static List<string> Split(string s, string sep)
    {
        if (sep.Length == 0) return s.EnumerateRunes().Select(r => r.ToString()).ToList();
        return s.Split(sep).ToList();
    }

    /// <summary>Go's strings.Title: upper-cases the first letter of every word (words split at non-letters/digits).</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = ' ';
        foreach (var c in s)
        {
            sb.Append(IsSeparator(prev) ? char.ToUpperInvariant(c) : c);
            prev = c;
        }
        return sb.ToString();

        static bool IsSeparator(char c)
        {
            if (c <= 0x7F)
                return !(char.IsAsciiLetterOrDigit(c) || c == '_');
            if (char.IsLetterOrDigit(c)) return false;
            return char.IsWhiteSpace(c);
        }
    }

    private static object? Index(IReadOnlyList<object?> a, Func<string, Exception> fail)
    {
        var item = a[0];
        foreach (var key in a.Skip(1))
        {
            var k = TemplateValues.Normalize(key);
            var v = TemplateValues.Normalize(item);
            if (v is null or MissingValue) throw fail("index of untyped nil");
            if (TemplateValues.AsMap(v) is { } map)
            {
                var ks = k as string ?? throw fail($"value has type {TemplateValues.GoTypeName(k)}; should be string");
                var found = map.FirstOrDefault(p => p.Key == ks);
                item = found.Key == null ? MissingValue.Instance : found.Value;
            }
            else if (TemplateValues.AsList(v) is { } list)
            {
                if (k is not long i) throw fail($"cannot index slice/array with type {TemplateValues.GoTypeName(k)}");
                if (i < 0 || i >= list.Count) throw fail($"index out of range: {i}");
                item = list[(int)i];
            }
            else if (v is string s)
            {
                if (k is not long i || i < 0 || i >= s.Length) throw fail("index out of range");
                item = (long)Encoding.UTF8.GetBytes(s)[(int)i];
            }
            else throw fail($"can't index item of type {TemplateValues.GoTypeName(v)}");
        }
        return item;
    }

    private static object? Slice(IReadOnlyList<object?> a, Func<string, Exception> fail)
    {
        var v = TemplateValues.Normalize(a[0]);
        var idx = a.Skip(1).Select(x => Int(x, fail)).ToArray();
        if (v is string s)
        {
            var from = idx.Length > 0 ? idx[0] : 0;
            var to = idx.Length > 1 ? idx[1] : s.Length;
            if (from < 0 || to > s.Length || from > to) throw fail($"index out of range: {to}");
            return s[from..to];
        }
        if (TemplateValues.AsList(v) is { } list)
        {
            var from = idx.Length > 0 ? idx[0] : 0;
            var to = idx.Length > 1 ? idx[1] : list.Count;
            if (from < 0 || to > list.Count || from > to) throw fail($"index out of range: {to}");
            return list.Skip(from).Take(to - from).ToList();
        }
        throw fail($"can't slice item of type {TemplateValues.GoTypeName(v)}");
    }

    private static int Compare(object? x, object? y, Func<string, Exception> fail, bool ordered = false)
    {
        var a = TemplateValues.Normalize(x);
        var b = TemplateValues.Normalize(y);
        // lt/le/gt/ge: nil, lists, maps and two bools are Go's "invalid type"; a bool against a number is "incompatible".
        if (ordered && (a is not (long or double or string or bool) || b is not (long or double or string or bool)))
            throw fail("invalid type for comparison");
        if (ordered && a is bool && b is bool) throw fail("invalid type for comparison");
        switch (a, b)
        {
            case (long l1, long l2): return l1.CompareTo(l2);
            case (long or double, long or double):
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            case (string s1, string s2): return string.CompareOrdinal(s1, s2);
            case (bool b1, bool b2) when !ordered: return b1 == b2 ? 0 : 1;
            case (null or MissingValue, null or MissingValue) when !ordered: return 0;
        }
        if (!ordered && (a is null or MissingValue || b is null or MissingValue)) return 1;
        throw fail("incompatible types for comparison");
    }
}
