using System.Text;

namespace Berth.Shell.Formatting;

/// <summary>
/// Go's text/tabwriter (elastic tabstops) with docker's settings: tab-terminated cells in contiguous lines form
/// a column padded to its widest cell plus padding, never narrower than minwidth; the last cell of a line is not
/// part of a column. docker uses minwidth 10, tabwidth 1, padding 3, pad char ' ', no flags.
/// </summary>
public sealed class TabWriter
{
    private readonly int _minWidth;
    private readonly int _padding;
    private readonly char _padChar;

    public TabWriter(int minWidth = 10, int padding = 3, char padChar = ' ')
    {
        _minWidth = minWidth;
        _padding = padding;
        _padChar = padChar;
    }

    private sealed record Cell(string Text, int Width);

    /// <summary>Aligns the whole text at once (docker buffers everything and flushes at the end).</summary>
    public string Format(string text)
    {
        var lines = new List<List<Cell>>();
        var current = new List<Cell>();
        var cell = new StringBuilder();
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '\t' or '\v':
                    current.Add(MakeCell(cell));
                    break;
                case '\n' or '\f':
                    current.Add(MakeCell(cell));
                    lines.Add(current);
                    current = [];
                    break;
                default:
                    cell.Append(ch);
                    break;
            }
        }
        // Trailing text without newline forms the last line's final cell.
        current.Add(MakeCell(cell));
        lines.Add(current);

        var output = new StringBuilder();
        var widths = new List<int>();
        FormatBlock(lines, widths, 0, lines.Count, output);
        return output.ToString();
    }

    private static Cell MakeCell(StringBuilder sb)
    {
        var text = sb.ToString();
        sb.Clear();
        return new Cell(text, DisplayText.DisplayWidth(text));
    }

    // Go's Writer.format: find runs of lines that have a cell in the next column, fix that column's width,
    // and recurse for the columns to its right.
    private void FormatBlock(List<List<Cell>> lines, List<int> widths, int line0, int line1, StringBuilder output)
    {
        var column = widths.Count;
        for (var row = line0; row < line1; row++)
        {
            if (column >= lines[row].Count - 1) continue;
            WriteLines(lines, widths, line0, row, output);
            line0 = row;
            var width = _minWidth;
            for (; row < line1; row++)
            {
                if (column >= lines[row].Count - 1) break;
                width = Math.Max(width, lines[row][column].Width + _padding);
            }
            widths.Add(width);
            FormatBlock(lines, widths, line0, row, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = row; // that row lacks this column, so the loop may step past it, as Go does
        }
        WriteLines(lines, widths, line0, line1, output);
    }

    private void WriteLines(List<List<Cell>> lines, List<int> widths, int line0, int line1, StringBuilder output)
    {
        for (var i = line0; i < line1; i++)
        {
            var line = lines[i];
            for (var j = 0; j < line.Count; j++)
            {
                var c = line[j];
                output.Append(c.Text);
                // A line's last cell never has a width (it is not tab-terminated), so it is never padded.
                if (j < widths.Count)
                    output.Append(_padChar, widths[j] - c.Width);
            }
            if (i + 1 < lines.Count) output.Append('\n');
        }
    }
}
