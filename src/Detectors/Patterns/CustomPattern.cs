using System.Text.RegularExpressions;
using CircuitFinder.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Detectors.Patterns;

/// <summary>
/// A user's attention-pattern detector from JSON: one object or a list of them, each
/// <c>{"name": "two-back", "rule": "offset", "offset": -2}</c> (rules: <c>offset</c> — key = query + offset, offset ≤ 0;
/// <c>position</c> — key = a fixed <c>"position"</c>; <c>previous-token</c>, <c>same-token</c>, <c>after-same-token</c>,
/// <c>first</c>) or <c>{"name": "...", "matrix": [[1], [1, 0], [0, 1, 0]]}</c> (a lower-triangular pattern, rows of
/// length ≤ their index + 1 padded with zeros, or full square rows; the inputs then have exactly that many tokens).
/// Optional keys: <c>"input"</c> (<c>random</c>, default, or <c>repeated</c>), <c>"error_measure"</c> (<c>mul</c> or
/// <c>abs</c>), <c>"exclude_bos"</c>, <c>"exclude_current_token"</c> (default: the run's settings).
/// </summary>
public static partial class CustomPattern
{
    /// <summary>Reads every detector in <paramref name="path"/>; errors name the file, the entry and the key.</summary>
    public static IReadOnlyList<PatternDetector> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: pattern file not found");
        }

        JToken json;
        try
        {
            json = JToken.Parse(InputFile.ReadAllText(path));
        }
        catch (JsonReaderException e)
        {
            throw new BadInputException($"{path}: not valid JSON ({e.Message})", e);
        }

        var entries = json is JArray array ? array.ToList() : [json];
        if (entries.Count == 0)
        {
            throw new BadInputException($"{path}: no pattern given");
        }

        return entries.Select((e, i) => Parse(e, entries.Count == 1 ? path : $"{path}[{i}]")).ToList();
    }

    /// <summary>One detector from one JSON object; <paramref name="where"/> prefixes error messages.</summary>
    public static PatternDetector Parse(JToken entry, string where)
    {
        if (entry is not JObject obj)
        {
            throw new BadInputException($"{where}: expected an object with \"name\" and \"rule\" or \"matrix\"");
        }

        string name = (string?)obj["name"] ?? throw new BadInputException($"{where}: missing \"name\"");
        if (!NamePattern().IsMatch(name))
        {
            throw new BadInputException($"{where}.name: '{name}' must be lower-case letters, digits, '-' or '_'");
        }

        var input = (string?)obj["input"] switch
        {
            null or "random" => PatternInput.Random,
            "repeated" => PatternInput.Repeated,
            var other => throw new BadInputException($"{where}.input: unknown input '{other}' (expected random or repeated)"),
        };
        var scoring = Scoring(obj, where);
        if (obj["matrix"] is { } matrixToken)
        {
            if (obj["rule"] is not null)
            {
                throw new BadInputException($"{where}: give \"rule\" or \"matrix\", not both");
            }

            var matrix = Matrix(matrixToken, $"{where}.matrix");
            int n = matrix.GetLength(0);
            return new PatternDetector(name, $"user pattern '{name}' ({n}x{n} matrix)", input, tokens => matrix, scoring, n);
        }

        string rule = (string?)obj["rule"] ?? throw new BadInputException($"{where}: missing \"rule\" or \"matrix\"");
        Func<IReadOnlyList<long>, float[,]> pattern = rule switch
        {
            "previous-token" => DetectionPatterns.PreviousToken,
            "same-token" => DetectionPatterns.DuplicateToken,
            "after-same-token" => DetectionPatterns.Induction,
            "first" => DetectionPatterns.FirstPosition,
            "offset" => Offset(Int(obj, "offset", where), where),
            "position" => Position(Int(obj, "position", where), where),
            _ => throw new BadInputException(
                $"{where}.rule: unknown rule '{rule}' (expected offset, position, previous-token, same-token, after-same-token or first)"),
        };
        return new PatternDetector(name, $"user pattern '{name}' (rule {rule})", input, pattern, scoring);
    }

    private static PatternScoring? Scoring(JObject obj, string where)
    {
        if (obj["error_measure"] is null && obj["exclude_bos"] is null && obj["exclude_current_token"] is null)
        {
            return null;
        }

        var measure = obj["error_measure"] is { } m ? PatternScoring.ParseMeasure((string?)m ?? string.Empty, $"{where}.error_measure") : ErrorMeasure.Mul;
        return new PatternScoring(measure, Bool(obj, "exclude_bos", where), Bool(obj, "exclude_current_token", where));
    }

    private static Func<IReadOnlyList<long>, float[,]> Offset(int offset, string where)
    {
        if (offset > 0)
        {
            throw new BadInputException($"{where}.offset: {offset} looks ahead; a causal pattern needs offset ≤ 0");
        }

        return tokens =>
        {
            var d = new float[tokens.Count, tokens.Count];
            for (int q = -offset; q < tokens.Count; q++)
            {
                d[q, q + offset] = 1;
            }

            return d;
        };
    }

    private static Func<IReadOnlyList<long>, float[,]> Position(int position, string where)
    {
        if (position < 0)
        {
            throw new BadInputException($"{where}.position: must be ≥ 0, got {position}");
        }

        return tokens =>
        {
            var d = new float[tokens.Count, tokens.Count];
            for (int q = position; q < tokens.Count; q++)
            {
                d[q, position] = 1;
            }

            return d;
        };
    }

    private static float[,] Matrix(JToken token, string where)
    {
        if (token is not JArray rows || rows.Count < 2)
        {
            throw new BadInputException($"{where}: expected a list of at least 2 rows");
        }

        int n = rows.Count;
        var matrix = new float[n, n];
        for (int q = 0; q < n; q++)
        {
            if (rows[q] is not JArray row || row.Count > n)
            {
                throw new BadInputException($"{where}[{q}]: expected a list of at most {n} numbers");
            }

            for (int k = 0; k < row.Count; k++)
            {
                if (row[k].Type is not (JTokenType.Integer or JTokenType.Float))
                {
                    throw new BadInputException($"{where}[{q}][{k}]: expected a number");
                }

                float value = (float)row[k];
                if (!float.IsFinite(value))
                {
                    throw new BadInputException($"{where}[{q}][{k}]: not a finite number");
                }

                if (k > q && value != 0)
                {
                    throw new BadInputException($"{where}[{q}][{k}]: the pattern must be lower triangular (a query cannot attend to a later key)");
                }

                matrix[q, k] = value;
            }
        }

        return matrix;
    }

    private static int Int(JObject obj, string key, string where) =>
        obj[key] is { Type: JTokenType.Integer } v ? (int)v : throw new BadInputException($"{where}.{key}: expected an integer");

    private static bool Bool(JObject obj, string key, string where) => obj[key] switch
    {
        null => false,
        { Type: JTokenType.Boolean } v => (bool)v,
        _ => throw new BadInputException($"{where}.{key}: expected true or false"),
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
