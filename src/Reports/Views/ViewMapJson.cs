using CircuitFinder.Graph.Views;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Reports.Views;

/// <summary>
/// A <see cref="ViewMap"/> as JSON: <c>name</c>, <c>title</c>, <c>row_axis</c>, <c>column_axis</c>, <c>rows</c>,
/// <c>columns</c>, <c>values</c> (a list per row; null for NaN), <c>value</c> and, for a fixed colour scale, <c>scale</c> [min, max].
/// </summary>
public static class ViewMapJson
{
    public static JObject Write(ViewMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var json = new JObject
        {
            ["name"] = map.Name,
            ["title"] = map.Title,
            ["row_axis"] = map.RowAxis,
            ["column_axis"] = map.ColumnAxis,
            ["rows"] = new JArray(map.Rows),
            ["columns"] = new JArray(map.Columns),
            ["value"] = map.ValueLabel,
            ["values"] = new JArray(map.Values.Select(row => new JArray(row.Select(Number)))),
        };
        if (map.Min is { } min && map.Max is { } max)
        {
            json["scale"] = new JArray(min, max);
        }

        return json;
    }

    /// <summary>A finite number, or null for NaN and infinities (JSON has neither).</summary>
    public static JToken Number(double value) => double.IsFinite(value) ? new JValue(value) : JValue.CreateNull();
}
