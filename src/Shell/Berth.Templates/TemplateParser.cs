using System.Globalization;
using System.Text;

namespace Berth.Templates;

/// <summary>Parses Go text/template source into nodes; errors read like Go's ("template: :1: unexpected EOF").</summary>
internal sealed class TemplateParser
{
    private enum Tok { Field, Dot, Variable, Identifier, String, Number, Char, Pipe, LeftParen, RightParen, Declare, Assign, Comma, End }

    private sealed record Token(Tok Kind, string Text, int Pos, bool SpaceBefore, object? Value = null);

    private readonly string _src;
    private readonly ISet<string> _functions;
    private int _pos;

    // How many {{range}} bodies enclose the current position: {{break}} and {{continue}} need one.
    private int _rangeDepth;

    // Tokens of the action being parsed.
    private List<Token> _tokens = [];
    private int _t;

    private static readonly HashSet<string> Keywords = ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"];

    private TemplateParser(string src, ISet<string> functions)
    {
        _src = src;
        _functions = functions;
    }

    public static List<TemplateNode> Parse(string source, ISet<string> functions)
    {
        var parser = new TemplateParser(source, functions);
        var (nodes, terminator) = parser.ParseList(topLevel: true);
        if (terminator != null)
            throw parser.Error(terminator.Value.Pos, $"unexpected {{{{{terminator.Value.Word}}}}}");
        return nodes;
    }

    private TemplateException Error(int pos, string message)
    {
        var line = 1 + _src.AsSpan(0, Math.Min(pos, _src.Length)).Count('\n');
        return new TemplateException($"template: :{line}: {message}");
    }

    private readonly record struct Terminator(string Word, int Pos);

    /// <summary>Parses nodes until {{end}} / {{else}} (returned as the terminator) or the end of the source.</summary>
    private (List<TemplateNode> Nodes, Terminator? Stop) ParseList(bool topLevel)
    {
        var nodes = new List<TemplateNode>();
        while (true)
        {
            var open = _src.IndexOf("{{", _pos, StringComparison.Ordinal);
            if (open < 0)
            {
                if (_pos < _src.Length) nodes.Add(new TextNode(_pos, _src[_pos..]));
                _pos = _src.Length;
                if (!topLevel) throw Error(_src.Length, "unexpected EOF");
                return (nodes, null);
            }
            var text = _src[_pos..open];
            var inner = open + 2;
            var trimLeft = inner + 1 < _src.Length && _src[inner] == '-' && IsSpace(_src[inner + 1]);
            if (trimLeft) { text = text.TrimEnd(' ', '\t', '\r', '\n'); inner += 2; }
            if (text.Length > 0) nodes.Add(new TextNode(_pos, text));
            _pos = inner;

            // Comments: {{/* ... */}}
            var afterSpace = SkipSpaces(_pos);
            if (_src.AsSpan(afterSpace).StartsWith("/*"))
            {
                var close = _src.IndexOf("*/", afterSpace + 2, StringComparison.Ordinal);
                if (close < 0) throw Error(open, "unclosed comment");
                _pos = close + 2;
                ExpectActionEnd(open, allowTrim: true);
                continue;
            }

            LexAction(open);
            var first = Peek();
            if (first.Kind == Tok.Identifier && Keywords.Contains(first.Text))
            {
                Next();
                switch (first.Text)
                {
                    case "end":
                        ExpectEnd();
                        return (nodes, new Terminator("end", first.Pos));
                    case "else":
                        // "else if ..." / "else with ...": the rest of the action is handled by the caller.
                        return (nodes, new Terminator("else", first.Pos));
                    case "if" or "range" or "with":
                        nodes.Add(ParseBranch(first.Text, first.Pos));
                        break;
                    case "break":
                        ExpectEnd();
                        if (_rangeDepth == 0) throw Error(first.Pos, "{{break}} outside {{range}}");
                        nodes.Add(new BreakNode(first.Pos));
                        break;
                    case "continue":
                        ExpectEnd();
                        if (_rangeDepth == 0) throw Error(first.Pos, "{{continue}} outside {{range}}");
                        nodes.Add(new ContinueNode(first.Pos));
                        break;
                    default:
                        throw Error(first.Pos, $"{{{{{first.Text}}}}} is not supported by berth's --format");
                }
                continue;
            }
            var pipe = ParsePipeline(allowDecl: true, "command");
            ExpectEnd();
            nodes.Add(new ActionNode(first.Pos, pipe));
        }
    }

    private TemplateNode ParseBranch(string kind, int pos)
    {
        var pipe = ParsePipeline(allowDecl: true, kind);
        ExpectEnd();
        if (kind == "range") _rangeDepth++;
        var (body, stop) = ParseList(topLevel: false);
        if (kind == "range") _rangeDepth--;
        List<TemplateNode>? elseBranch = null;
        if (stop!.Value.Word == "else")
        {
            var next = Peek();
            if (next.Kind == Tok.Identifier && (next.Text == "if" || (next.Text == "with" && kind == "with")))
            {
                // {{else if x}} is {{else}}{{if x}}...{{end}} sharing this branch's {{end}}.
                Next();
                elseBranch = [ParseBranch(next.Text, next.Pos)];
            }
            else
            {
                ExpectEnd();
                var (elseBody, elseStop) = ParseList(topLevel: false);
                if (elseStop!.Value.Word != "end") throw Error(elseStop.Value.Pos, "expected end; found {{else}}");
                elseBranch = elseBody;
            }
        }
        return new BranchNode(pos, kind, pipe, body, elseBranch);
    }

    private Pipeline ParsePipeline(bool allowDecl, string context)
    {
        var start = Peek().Pos;
        var vars = new List<string>();
        var isAssign = false;
        if (allowDecl && Peek().Kind == Tok.Variable)
        {
            // Look ahead for "$x :=", "$x =" or "$i, $e :=".
            var save = _t;
            var v1 = Next();
            if (Peek().Kind is Tok.Declare or Tok.Assign)
            {
                isAssign = Next().Kind == Tok.Assign;
                vars.Add(v1.Text);
            }
            else if (Peek().Kind == Tok.Comma && context == "range")
            {
                Next();
                var v2 = Next();
                if (v2.Kind == Tok.Variable && Peek().Kind == Tok.Comma) throw Error(Peek().Pos, "too many declarations in range");
                if (v2.Kind != Tok.Variable || Peek().Kind != Tok.Declare) throw Error(v2.Pos, "range can only initialize variables");
                Next();
                vars.Add(v1.Text);
                vars.Add(v2.Text);
            }
            else _t = save;
        }
        var commands = new List<Command>();
        while (true)
        {
            var cmd = ParseCommand(context);
            commands.Add(cmd);
            if (Peek().Kind == Tok.Pipe) { Next(); continue; }
            break;
        }
        var end = Peek().Pos;
        // Go places a pipeline at its first token (after the keyword): range errors point there.
        return new Pipeline(start, vars, isAssign, commands, _src[start..Math.Max(start, end)].Trim());
    }

    private Command ParseCommand(string context)
    {
        var args = new List<Operand>();
        var start = Peek().Pos;
        while (true)
        {
            var t = Peek();
            if (t.Kind is Tok.End or Tok.Pipe or Tok.RightParen)
                break;
            if (args.Count > 0 && !t.SpaceBefore)
                throw Error(t.Pos, $"unexpected {Describe(t)} in operand");
            args.Add(ParseOperand());
        }
        if (args.Count == 0)
            throw Error(start, $"missing value for {context}");
        var end = Peek().Pos;
        return new Command(start, args, _src[start..Math.Max(start, end)].Trim());
    }

    private Operand ParseOperand()
    {
        var t = Next();
        Operand term;
        switch (t.Kind)
        {
            case Tok.Dot: term = new DotOperand(t.Pos); break;
            case Tok.Field:
                {
                    var path = new List<string> { t.Text[1..] };
                    var src = t.Text;
                    while (Peek().Kind == Tok.Field && !Peek().SpaceBefore) { var f = Next(); path.Add(f.Text[1..]); src += f.Text; }
                    return new FieldOperand(t.Pos, path.ToArray(), src);
                }
            case Tok.Variable:
                {
                    var path = new List<string>();
                    var src = t.Text;
                    while (Peek().Kind == Tok.Field && !Peek().SpaceBefore) { var f = Next(); path.Add(f.Text[1..]); src += f.Text; }
                    return new VariableOperand(t.Pos, t.Text, path.ToArray(), src);
                }
            case Tok.Identifier:
                if (t.Text is "true" or "false") term = new ConstantOperand(t.Pos, t.Text == "true", t.Text);
                else if (t.Text == "nil") term = new ConstantOperand(t.Pos, null, "nil");
                else if (Keywords.Contains(t.Text)) throw Error(t.Pos, $"unexpected <{t.Text}> in command");
                else if (!_functions.Contains(t.Text)) throw Error(t.Pos, $"function \"{t.Text}\" not defined");
                else term = new FunctionOperand(t.Pos, t.Text);
                break;
            case Tok.String or Tok.Number or Tok.Char:
                term = new ConstantOperand(t.Pos, t.Value, t.Text);
                break;
            case Tok.LeftParen:
                {
                    var inner = ParsePipeline(allowDecl: false, "parenthesized pipeline");
                    var close = Next();
                    if (close.Kind == Tok.End) throw Error(close.Pos, "unclosed left paren");
                    if (close.Kind != Tok.RightParen) throw Error(close.Pos, $"unexpected {Describe(close)} in parenthesized pipeline");
                    term = new ChainOperand(t.Pos, inner, [], _src[t.Pos..(close.Pos + 1)]);
                    break;
                }
            default:
                throw Error(t.Pos, $"unexpected {Describe(t)} in operand");
        }
        if (Peek().Kind == Tok.Field && !Peek().SpaceBefore)
        {
            if (term is ConstantOperand or FunctionOperand && term is not ChainOperand)
                throw Error(Peek().Pos, $"unexpected . after term {GoText.Quote(term.Source)}");
            var path = new List<string>();
            var src = term.Source;
            while (Peek().Kind == Tok.Field && !Peek().SpaceBefore) { var f = Next(); path.Add(f.Text[1..]); src += f.Text; }
            var inner = term is ChainOperand c ? c.Inner : new Pipeline(term.Pos, [], false, [new Command(term.Pos, [term], term.Source)], term.Source);
            return new ChainOperand(term.Pos, inner, path.ToArray(), src);
        }
        return term;
    }

    /// <summary>A token as Go's parse errors show it: keywords and the dot as &lt;if&gt;, the rest quoted (cut after 10 characters).</summary>
    private static string Describe(Token t)
    {
        if (t.Kind == Tok.Dot || (t.Kind == Tok.Identifier && (Keywords.Contains(t.Text) || t.Text == "nil"))) return $"<{t.Text}>";
        return t.Text.Length > 10 ? GoText.Quote(t.Text[..10]) + "..." : GoText.Quote(t.Text);
    }

    private Token Peek() => _tokens[_t];

    private Token Next() => _tokens[_t < _tokens.Count - 1 ? _t++ : _t];

    private void ExpectEnd()
    {
        var t = Peek();
        if (t.Kind != Tok.End) throw Error(t.Pos, $"unexpected {Describe(t)} in {(t.Kind == Tok.RightParen ? "command" : "operand")}");
    }

    private void ExpectActionEnd(int open, bool allowTrim)
    {
        var p = SkipSpaces(_pos);
        if (allowTrim && p + 2 < _src.Length && _src[p] == '-' && _src.AsSpan(p + 1).StartsWith("}}") && p > _pos)
        {
            _pos = SkipSpaces(p + 3, newlines: true);
            return;
        }
        if (!_src.AsSpan(p).StartsWith("}}")) throw Error(open, "comment ends before closing delimiter");
        _pos = p + 2;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private int SkipSpaces(int p, bool newlines = true)
    {
        while (p < _src.Length && IsSpace(_src[p]) && (newlines || _src[p] is not ('\r' or '\n'))) p++;
        return p;
    }

    /// <summary>Tokenizes one action, from after "{{" (and a left trim marker) to "}}"; handles the right trim marker.</summary>
    private void LexAction(int open)
    {
        _tokens = [];
        _t = 0;
        var p = _pos;
        var space = true;
        while (true)
        {
            if (p >= _src.Length) throw Error(open, "unclosed action");
            var c = _src[p];
            if (IsSpace(c))
            {
                var q = p;
                while (q < _src.Length && IsSpace(_src[q])) q++;
                // " -}}" closes the action and trims the whitespace that follows it.
                if (q + 2 < _src.Length && _src[q] == '-' && _src[q + 1] == '}' && _src[q + 2] == '}')
                {
                    _tokens.Add(new Token(Tok.End, "}}", q, true));
                    _pos = q + 3;
                    while (_pos < _src.Length && IsSpace(_src[_pos])) _pos++;
                    return;
                }
                p = q;
                space = true;
                continue;
            }
            if (c == '}' && p + 1 < _src.Length && _src[p + 1] == '}')
            {
                _tokens.Add(new Token(Tok.End, "}}", p, space));
                _pos = p + 2;
                return;
            }
            var start = p;
            Token tok;
            switch (c)
            {
                case '|': tok = new Token(Tok.Pipe, "|", p++, space); break;
                case '(': tok = new Token(Tok.LeftParen, "(", p++, space); break;
                case ')': tok = new Token(Tok.RightParen, ")", p++, space); break;
                case ',': tok = new Token(Tok.Comma, ",", p++, space); break;
                case '=': tok = new Token(Tok.Assign, "=", p++, space); break;
                case ':':
                    if (p + 1 < _src.Length && _src[p + 1] == '=') { tok = new Token(Tok.Declare, ":=", p, space); p += 2; break; }
                    throw Error(p, "expected :=");
                case '"':
                    {
                        var (value, end) = LexQuoted(p);
                        tok = new Token(Tok.String, _src[p..end], p, space, value);
                        p = end;
                        break;
                    }
                case '`':
                    {
                        var end = _src.IndexOf('`', p + 1);
                        if (end < 0) throw Error(p, "unterminated raw quoted string");
                        tok = new Token(Tok.String, _src[p..(end + 1)], p, space, _src[(p + 1)..end]);
                        p = end + 1;
                        break;
                    }
                case '\'':
                    {
                        var end = _src.IndexOf('\'', p + 1);
                        if (end < 0) throw Error(p, "unterminated character constant");
                        var inner = Unescape(_src[(p + 1)..end], p);
                        tok = new Token(Tok.Char, _src[p..(end + 1)], p, space, (long)char.ConvertToUtf32(inner, 0));
                        p = end + 1;
                        break;
                    }
                case '.':
                    if (p + 1 < _src.Length && IsIdentChar(_src[p + 1]) && !char.IsAsciiDigit(_src[p + 1]))
                    {
                        p++;
                        while (p < _src.Length && IsIdentChar(_src[p])) p++;
                        tok = new Token(Tok.Field, _src[start..p], start, space);
                    }
                    else if (p + 1 < _src.Length && char.IsAsciiDigit(_src[p + 1])) tok = LexNumber(ref p, space);
                    else tok = new Token(Tok.Dot, ".", p++, space);
                    break;
                case '$':
                    p++;
                    while (p < _src.Length && IsIdentChar(_src[p])) p++;
                    tok = new Token(Tok.Variable, _src[start..p], start, space);
                    break;
                case '-' or '+' or (>= '0' and <= '9'):
                    tok = LexNumber(ref p, space);
                    break;
                default:
                    if (IsIdentChar(c))
                    {
                        while (p < _src.Length && IsIdentChar(_src[p])) p++;
                        tok = new Token(Tok.Identifier, _src[start..p], start, space);
                        break;
                    }
                    throw Error(p, $"unrecognized character in action: U+{(int)c:X4} '{c}'");
            }
            _tokens.Add(tok);
            space = false;
        }
    }

    private Token LexNumber(ref int p, bool space)
    {
        var start = p++;
        while (p < _src.Length && (char.IsAsciiLetterOrDigit(_src[p]) || _src[p] is '.' or '_' || (_src[p] is '+' or '-' && _src[p - 1] is 'e' or 'E'))) p++;
        var text = _src[start..p];
        return new Token(Tok.Number, text, start, space, ParseNumber(text, start));
    }

    private static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private object ParseNumber(string text, int pos)
    {
        var s = text.Replace("_", "");
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h)) return h;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw Error(pos, $"bad number syntax: \"{text}\"");
    }

    private (string Value, int End) LexQuoted(int p)
    {
        var q = p + 1;
        while (q < _src.Length && _src[q] != '"')
        {
            if (_src[q] == '\\') q++;
            if (q < _src.Length && _src[q] == '\n') throw Error(p, "unterminated quoted string");
            q++;
        }
        if (q >= _src.Length) throw Error(p, "unterminated quoted string");
        return (Unescape(_src[(p + 1)..q], p), q + 1);
    }

    private string Unescape(string s, int pos)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\') { sb.Append(s[i]); continue; }
            if (++i >= s.Length) throw Error(pos, "unterminated quoted string");
            switch (s[i])
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case '\'': sb.Append('\''); break;
                case 'x': sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 2), 16)); i += 2; break;
                case 'u': sb.Append(char.ConvertFromUtf32(Convert.ToInt32(s.Substring(i + 1, 4), 16))); i += 4; break;
                case 'U': sb.Append(char.ConvertFromUtf32(Convert.ToInt32(s.Substring(i + 1, 8), 16))); i += 8; break;
                default: throw Error(pos, $"invalid syntax in quoted string");
            }
        }
        return sb.ToString();
    }
}
