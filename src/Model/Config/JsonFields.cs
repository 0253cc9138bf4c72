using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Config;

/// <summary>Typed access to a JSON object's fields with errors that name the file and the field.</summary>
public sealed class JsonFields
{
    private readonly JObject _json;
    private readonly string _source;

    public JsonFields(JObject json, string source)
    {
        _json = json;
        _source = source;
    }

    public bool Has(string field) => _json.TryGetValue(field, out var v) && v.Type != JTokenType.Null;

    public int Int(string field) =>
        OptionalInt(field) ?? throw new BadInputException($"{_source}: missing field '{field}'");

    public int? OptionalInt(string field)
    {
        if (!_json.TryGetValue(field, out var v) || v.Type == JTokenType.Null)
        {
            return null;
        }

        if (v.Type == JTokenType.Integer)
        {
            long value = v.Value<long>();
            if (value is < int.MinValue or > int.MaxValue)
            {
                throw new BadInputException($"{_source}: field '{field}' is out of range ({value})");
            }

            return (int)value;
        }

        if (v.Type == JTokenType.Float && Math.Abs(v.Value<double>() - Math.Round(v.Value<double>())) == 0)
        {
            return (int)v.Value<double>();
        }

        throw new BadInputException($"{_source}: field '{field}' must be an integer, got {v.Type.ToString().ToLowerInvariant()} {v.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    public double? OptionalDouble(string field)
    {
        if (!_json.TryGetValue(field, out var v) || v.Type == JTokenType.Null)
        {
            return null;
        }

        return v.Type is JTokenType.Integer or JTokenType.Float
            ? v.Value<double>()
            : throw new BadInputException($"{_source}: field '{field}' must be a number, got {v.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    public bool? OptionalBool(string field)
    {
        if (!_json.TryGetValue(field, out var v) || v.Type == JTokenType.Null)
        {
            return null;
        }

        return v.Type == JTokenType.Boolean
            ? v.Value<bool>()
            : throw new BadInputException($"{_source}: field '{field}' must be true or false, got {v.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    public string? OptionalString(string field)
    {
        if (!_json.TryGetValue(field, out var v) || v.Type == JTokenType.Null)
        {
            return null;
        }

        return v.Type == JTokenType.String
            ? v.Value<string>()
            : throw new BadInputException($"{_source}: field '{field}' must be a string, got {v.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    /// <summary>The object under <paramref name="field"/>, or null when absent or null.</summary>
    public JObject? OptionalObject(string field)
    {
        if (!_json.TryGetValue(field, out var v) || v.Type == JTokenType.Null)
        {
            return null;
        }

        return v as JObject
            ?? throw new BadInputException($"{_source}: field '{field}' must be an object, got {v.ToString(Newtonsoft.Json.Formatting.None)}");
    }
}
