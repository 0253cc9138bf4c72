using System.Net;
using System.Net.Http.Headers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CircuitFinder.Model.Hub;

/// <summary>
/// The hub's HTTP API, as <c>huggingface_hub</c> uses it: the revision API (<c>/api/models/{repo}/revision/{rev}</c>: the
/// commit and the files), <c>HEAD /{repo}/resolve/{commit}/{file}</c> for a file's ETag, size and (large files) sha256,
/// and <c>GET</c> of the same address (redirects followed; the token is sent only to the endpoint's host) resumed with
/// HTTP ranges after a dropped connection. Failures are <see cref="BadInputException"/>s that say what happened.
/// </summary>
public sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private readonly HubOptions _options;
    private readonly Uri _endpoint;
    private readonly HttpClient _http;

    public HubClient(HubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Offline)
        {
            throw new BadInputException($"HF_HUB_OFFLINE is set: the hub ({options.Endpoint}) may not be contacted");
        }

        _options = options;
        _endpoint = Uri.TryCreate(options.Endpoint + "/", UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"
            ? endpoint
            : throw new BadInputException($"HF_ENDPOINT: '{options.Endpoint}' is not an http(s) address");
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("circuitfinder/1.0");
    }

    /// <summary>Retries of one file's download after a dropped connection (each resumes where the last stopped).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The pause before retry n is n times this.</summary>
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The commit <paramref name="reference"/>'s revision resolves to on the hub, and the repo's files there.</summary>
    public HubRevision Revision(HubReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var url = new Uri(_endpoint, $"api/models/{reference.RepoId}/revision/{Uri.EscapeDataString(reference.Revision)}");
        using var response = Send(HttpMethod.Get, url, null, followAll: true, reference.ToString(), null);
        string text = Await(response.Content.ReadAsStringAsync());
        try
        {
            var json = JObject.Parse(text);
            string? sha = (string?)json["sha"];
            if (sha is null || !HubReference.CommitPattern().IsMatch(sha))
            {
                throw new BadInputException($"{reference}: the hub's revision answer has no commit 'sha' ({url})");
            }

            var files = (json["siblings"] as JArray ?? [])
                .Select(s => (string?)s["rfilename"])
                .OfType<string>()
                .ToList();
            return new HubRevision(reference.RepoId, sha, files);
        }
        catch (Exception e) when (e is JsonException or InvalidCastException or ArgumentException)
        {
            throw new BadInputException($"{reference}: the hub's revision answer is not the JSON expected ({url}): {e.Message}");
        }
    }

    /// <summary>The ETag, size and (large files) sha256 of <paramref name="file"/> at <paramref name="commit"/>.</summary>
    public HubFileMetadata Metadata(string repoId, string commit, string file)
    {
        var url = FileUrl(repoId, commit, file);
        using var response = Send(HttpMethod.Head, url, null, followAll: false, $"{repoId}@{commit}", file);
        string? linked = Header(response, "X-Linked-Etag");
        string? etag = Normalise(linked ?? response.Headers.ETag?.Tag ?? Header(response, "ETag"));
        if (etag is null || !SafeEtag(etag))
        {
            throw new BadInputException($"{repoId}@{commit}: {file}: the hub gave no usable ETag ({url})");
        }

        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linkedSize) ? linkedSize : response.Content.Headers.ContentLength;
        return new HubFileMetadata(file, etag, size, linked is not null ? etag : null);
    }

    /// <summary>
    /// Fetches <paramref name="metadata"/>'s file into <paramref name="destination"/>, appending to what a dropped
    /// connection left there (an HTTP range request), retrying up to <see cref="MaxAttempts"/> times.
    /// <paramref name="progress"/> is told the bytes held so far.
    /// </summary>
    public void Download(string repoId, string commit, HubFileMetadata metadata, string destination, Action<long> progress)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(progress);
        var url = FileUrl(repoId, commit, metadata.File);
        for (int attempt = 1; ; attempt++)
        {
            long have = File.Exists(destination) ? new FileInfo(destination).Length : 0;
            if (metadata.Size is long expected && have >= expected)
            {
                if (have == expected)
                {
                    return;
                }

                File.Delete(destination);
                have = 0;
            }

            try
            {
                using var response = Send(HttpMethod.Get, url, have > 0 ? have : null, followAll: true, $"{repoId}@{commit}", metadata.File, retryable: true);
                bool append = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                using (var file = new FileStream(destination, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    have = append ? have : 0;
                    progress(have);
                    using var body = Await(response.Content.ReadAsStreamAsync());
                    var buffer = new byte[1 << 16];
                    while (true)
                    {
                        using var stall = new CancellationTokenSource(StallTimeout);
                        int read = Await(body.ReadAsync(buffer, stall.Token).AsTask());
                        if (read == 0)
                        {
                            break;
                        }

                        file.Write(buffer, 0, read);
                        have += read;
                        progress(have);
                    }
                }

                if (metadata.Size is not long size || have == size)
                {
                    return;
                }

                throw new IOException($"the connection closed after {have} of {size} bytes");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                if (attempt >= MaxAttempts)
                {
                    throw new BadInputException(
                        $"{repoId}@{commit}: {metadata.File}: the download failed after {attempt} tries ({e.Message}); run the same pull again to resume");
                }

                Thread.Sleep(RetryPause * attempt);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private Uri FileUrl(string repoId, string commit, string file) =>
        new(_endpoint, $"{repoId}/resolve/{commit}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    private HttpResponseMessage Send(HttpMethod method, Uri url, long? rangeFrom, bool followAll, string subject, string? file, bool retryable = false)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (_options.Token is not null && url.Authority == _endpoint.Authority)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
            }

            if (rangeFrom is long from)
            {
                request.Headers.Range = new RangeHeaderValue(from, null);
            }

            request.Headers.AcceptEncoding.ParseAdd("identity");
            HttpResponseMessage response;
            try
            {
                using var timeout = new CancellationTokenSource(HeadersTimeout);
                response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !retryable)
            {
                throw new BadInputException($"{subject}: cannot reach {_options.Endpoint} ({e.Message}); check HF_ENDPOINT and the network, or set HF_HUB_OFFLINE=1 and use the cache");
            }

            int code = (int)response.StatusCode;
            if (code is >= 300 and < 400 && response.Headers.Location is { } location && hop < MaxRedirects)
            {
                var next = new Uri(url, location);
                if (followAll || !location.IsAbsoluteUri)
                {
                    response.Dispose();
                    url = next;
                    continue;
                }

                return response; // a large file's HEAD: the hub's own answer (not the CDN's) carries its metadata
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw Failure(response, subject, file);
            }
        }
    }

    private BadInputException Failure(HttpResponseMessage response, string subject, string? file)
    {
        int code = (int)response.StatusCode;
        string? error = Header(response, "X-Error-Code");
        string what = file is null ? subject : $"{subject}: {file}";
        if (error == "RepoNotFound" || (code == 404 && file is null && error is null))
        {
            return new($"{subject}: no such model or revision on {_options.Endpoint} (HTTP {code})");
        }

        if (error == "RevisionNotFound")
        {
            return new($"{subject}: no such revision on {_options.Endpoint} (HTTP {code})");
        }

        if (code == 404 || error == "EntryNotFound")
        {
            return new($"{what}: no such file on {_options.Endpoint} (HTTP {code})");
        }

        if (code is 401 or 403 || error == "GatedRepo")
        {
            return new(_options.Token is null
                ? $"{subject}: access denied by {_options.Endpoint} (HTTP {code}): the model is gated or private; accept its terms on the hub and set HF_TOKEN to a token that may read it"
                : $"{subject}: access denied by {_options.Endpoint} (HTTP {code}): the token in HF_TOKEN may not read this gated or private model (accept its terms on the hub first)");
        }

        return new($"{what}: {_options.Endpoint} answered HTTP {code} {response.ReasonPhrase}");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static string? Normalise(string? etag) => etag is null ? null : (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"');

    private static bool SafeEtag(string etag) => etag.Length is > 0 and <= 128 && etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static T Await<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
