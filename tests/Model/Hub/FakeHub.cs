using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Tests.Model.Hub;

/// <summary>
/// A local stand-in for the HuggingFace hub on 127.0.0.1, answering as the hub does: the revision API (commit and
/// files), <c>resolve/{revision}/{file}</c> with <c>X-Repo-Commit</c> and <c>ETag</c>, large files (weights) redirected
/// to a CDN path with <c>X-Linked-Etag</c> (their sha256) and <c>X-Linked-Size</c>, and range requests. It can demand a
/// token, drop a connection half-way through a file once, or advertise a wrong sha256, and it records every request.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    private static readonly string[] LargeExtensions = [".safetensors", ".pth", ".bin"];

    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, Dictionary<string, string>> _branches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, byte[]>> _commits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _cdn = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dropped = new(StringComparer.Ordinal);
    private readonly Thread _loop;

    public FakeHub()
    {
        for (int attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                Endpoint = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
            }
        }

        _loop = new Thread(Serve) { IsBackground = true, Name = "fake hub" };
        _loop.Start();
    }

    public string Endpoint { get; }

    /// <summary>Requests as <c>METHOD path [range]</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, every API and resolve request must carry <c>Authorization: Bearer</c> this token (else 401).</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Files (by name) whose first download is cut off half-way.</summary>
    public HashSet<string> DropOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Files (by name) whose advertised sha256 is wrong.</summary>
    public HashSet<string> WrongSha256 { get; } = new(StringComparer.Ordinal);

    /// <summary>The commit a repo's branch points at.</summary>
    public string Commit(string repo, string branch) => _branches[repo][branch];

    /// <summary>Adds a revision of <paramref name="repo"/> named <paramref name="branch"/> holding <paramref name="files"/>; returns its commit.</summary>
    public string Add(string repo, string branch, IReadOnlyDictionary<string, byte[]> files)
    {
        string commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{repo}@{branch}")));
        lock (_commits)
        {
            if (!_branches.TryGetValue(repo, out var branches))
            {
                _branches[repo] = branches = new(StringComparer.Ordinal);
            }

            branches[branch] = commit;
            _commits[commit] = files.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
            foreach (var bytes in files.Values)
            {
                _cdn[Sha256(bytes)] = bytes;
            }
        }

        return commit;
    }

    /// <summary>Adds the files of a folder (its top level) as a revision.</summary>
    public string AddFolder(string repo, string branch, string folder) =>
        Add(repo, branch, Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the client went away
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {path}{(request.Headers["Range"] is { } range ? " " + range : string.Empty)}");
        if (path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            Serve(context, path["/cdn/".Length..]);
            return;
        }

        if (RequiredToken is not null && request.Headers["Authorization"] != $"Bearer {RequiredToken}")
        {
            Status(response, 401, "GatedRepo");
            return;
        }

        if (path.StartsWith("/api/models/", StringComparison.Ordinal) && path.IndexOf("/revision/", StringComparison.Ordinal) is int r and > 0)
        {
            string repo = path["/api/models/".Length..r];
            string revision = Uri.UnescapeDataString(request.Url.AbsolutePath[(r + "/revision/".Length)..]);
            if (Resolve(repo, revision, response) is not { } commit)
            {
                return;
            }

            var json = new JObject
            {
                ["id"] = repo,
                ["sha"] = commit,
                ["siblings"] = new JArray(_commits[commit].Keys.Order(StringComparer.Ordinal).Select(f => new JObject { ["rfilename"] = f })),
            };
            Write(response, 200, Encoding.UTF8.GetBytes(json.ToString()), request.HttpMethod == "HEAD");
            return;
        }

        int at = path.IndexOf("/resolve/", StringComparison.Ordinal);
        if (at > 0)
        {
            string repo = path[1..at];
            string rest = path[(at + "/resolve/".Length)..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            string revision = rest[..slash], file = Uri.UnescapeDataString(rest[(slash + 1)..]);
            if (Resolve(repo, revision, response) is not { } commit)
            {
                return;
            }

            if (!_commits[commit].TryGetValue(file, out var bytes))
            {
                Status(response, 404, "EntryNotFound");
                return;
            }

            response.AddHeader("X-Repo-Commit", commit);
            if (LargeExtensions.Contains(Path.GetExtension(file)))
            {
                string sha = Sha256(bytes);
                response.AddHeader("X-Linked-Etag", $"\"{(WrongSha256.Contains(file) ? new string('0', 64) : sha)}\"");
                response.AddHeader("X-Linked-Size", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                response.AddHeader("ETag", "\"git-pointer\"");
                response.StatusCode = 302;
                response.RedirectLocation = $"{Endpoint}/cdn/{sha}?file={Uri.EscapeDataString(file)}";
                response.ContentLength64 = 0;
                response.Close();
                return;
            }

            response.AddHeader("ETag", $"\"{Convert.ToHexStringLower(SHA1.HashData(bytes))}\"");
            Write(response, 200, bytes, request.HttpMethod == "HEAD");
            return;
        }

        Status(response, 404, null);
    }

    private string? Resolve(string repo, string revision, HttpListenerResponse response)
    {
        if (!_branches.TryGetValue(repo, out var branches))
        {
            Status(response, 404, "RepoNotFound");
            return null;
        }

        string? commit = branches.GetValueOrDefault(revision) ?? (branches.ContainsValue(revision) ? revision : null);
        if (commit is null)
        {
            Status(response, 404, "RevisionNotFound");
        }

        return commit;
    }

    private void Serve(HttpListenerContext context, string sha)
    {
        var response = context.Response;
        if (!_cdn.TryGetValue(sha, out var bytes))
        {
            Status(response, 404, null);
            return;
        }

        string file = context.Request.QueryString["file"] ?? string.Empty;
        long from = 0;
        if (context.Request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {from}-{bytes.Length - 1}/{bytes.Length}");
        }

        response.ContentLength64 = bytes.Length - from;
        bool drop;
        lock (_dropped)
        {
            drop = DropOnce.Contains(file) && _dropped.Add(file);
        }

        if (drop)
        {
            int half = (int)((bytes.Length - from) / 2);
            response.OutputStream.Write(bytes, (int)from, half);
            response.OutputStream.Flush();
            Thread.Sleep(50);
            response.Abort();
            return;
        }

        response.OutputStream.Write(bytes, (int)from, (int)(bytes.Length - from));
        response.Close();
    }

    private static void Status(HttpListenerResponse response, int code, string? errorCode)
    {
        if (errorCode is not null)
        {
            response.AddHeader("X-Error-Code", errorCode);
        }

        Write(response, code, Encoding.UTF8.GetBytes($"{{\"error\":\"{errorCode ?? "not found"}\"}}"), false);
    }

    private static void Write(HttpListenerResponse response, int code, byte[] body, bool head)
    {
        response.StatusCode = code;
        response.ContentLength64 = body.Length;
        if (!head)
        {
            response.OutputStream.Write(body);
        }

        response.Close();
    }
}
