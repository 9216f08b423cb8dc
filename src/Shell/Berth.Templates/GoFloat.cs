using System.Globalization;
using System.Numerics;
using System.Text;

namespace Berth.Templates;

/// <summary>Go's fmt float verbs (%g with a precision, %v shortest), needed to print sizes and numbers exactly as docker does.</summary>
public static class GoFloat
{
    /// <summary>Go's <c>fmt.Sprintf("%.{precision}g", value)</c>: rounded half-to-even on the exact binary value, trailing zeros dropped.</summary>
    public static string FormatG(double value, int precision)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "+Inf" : "-Inf";
        if (precision < 1) precision = 1;
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        if (value == 0) return negative ? "-0" : "0";
        var (digits, dp) = ExactDigits(Math.Abs(value));
        (digits, dp) = Round(digits, dp, precision);
        // Go: eprec = precision, lowered to the digit count when the number is an integer that fits.
        var eprec = precision;
        if (eprec > digits.Length && digits.Length >= dp) eprec = digits.Length;
        return (negative ? "-" : "") + Layout(digits, dp, eprec);
    }

    /// <summary>Go's <c>%v</c> for a float64: the shortest representation that round-trips, exponent from 1e+06 or below 1e-4 (Go: 123456789.0 prints 1.23456789e+08).</summary>
    public static string FormatShortest(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "+Inf" : "-Inf";
        // Shortest round-trip digits come from "R"; parse its mantissa and exponent.
        var (digits, dp) = ParseDecimal(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        return (negative ? "-" : "") + Layout(digits, dp, 6);
    }

    private static string Layout(string digits, int dp, int eprec)
    {
        if (digits.Length == 0) { digits = "0"; dp = 1; }
        var exp = dp - 1;
        if (digits == "0") exp = 0;
        var sb = new StringBuilder();
        if (exp < -4 || exp >= eprec)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            var e = Math.Abs(exp);
            sb.Append(e < 10 ? "0" + e : e.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        if (dp <= 0)
        {
            sb.Append("0.").Append('0', -dp).Append(digits);
            return sb.ToString();
        }
        if (dp >= digits.Length)
            return sb.Append(digits).Append('0', dp - digits.Length).ToString();
        return sb.Append(digits, 0, dp).Append('.').Append(digits, dp, digits.Length - dp).ToString();
    }

    /// <summary>All decimal digits of a finite non-negative double (no trailing zeros) and the decimal point position.</summary>
    private static (string Digits, int Dp) ExactDigits(double v)
    {
        if (v == 0) return ("", 0);
        var bits = BitConverter.DoubleToInt64Bits(v);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075;
        BigInteger num = mantissa, den = BigInteger.One;
        if (exponent > 0) num <<= exponent; else den <<= -exponent;
        // value = num/den exactly; produce the integer part and the fraction digits until exhausted.
        var intPart = BigInteger.DivRem(num, den, out var rem);
        var fraction = new StringBuilder();
        while (!rem.IsZero)
        {
            rem *= 10;
            var d = BigInteger.DivRem(rem, den, out rem);
            fraction.Append((char)('0' + (int)d));
        }
        if (!intPart.IsZero)
        {
            var whole = intPart.ToString(CultureInfo.InvariantCulture);
            return ((whole + fraction).TrimEnd('0'), whole.Length);
        }
        var f = fraction.ToString();
        var lead = 0;
        while (lead < f.Length && f[lead] == '0') lead++;
        return (f[lead..].TrimEnd('0'), -lead);
    }

    private static (string Digits, int Dp) Round(string digits, int dp, int n)
    {
        if (digits.Length <= n) return (digits, dp);
        var roundUp = digits[n] > '5' || (digits[n] == '5' && (digits.Length > n + 1 || (n > 0 && (digits[n - 1] - '0') % 2 == 1)));
        var kept = digits[..n].ToCharArray();
        if (roundUp)
        {
            var i = n - 1;
            while (i >= 0 && kept[i] == '9') { kept[i] = '0'; i--; }
            if (i < 0) return ("1", dp + 1);
            kept[i]++;
        }
        var result = new string(kept).TrimEnd('0');
        return (result, dp);
    }

    private static (string Digits, int Dp) ParseDecimal(string s)
    {
        var exp = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0) { exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture); s = s[..e]; }
        var dot = s.IndexOf('.');
        var intLen = dot < 0 ? s.Length : dot;
        var all = s.Replace(".", "");
        var lead = 0;
        while (lead < all.Length && all[lead] == '0') lead++;
        var digits = all[lead..].TrimEnd('0');
        return (digits, intLen - lead + exp);
    }
}
