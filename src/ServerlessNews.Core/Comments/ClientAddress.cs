using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace ServerlessNews.Comments;

/// <summary>
/// The client address a flood window and the flood rows count by. An IPv6 client is usually handed a whole /64
/// and picks any address in it, so IPv6 counts per /64 network; an IPv4-mapped IPv6 address counts as the IPv4
/// address it carries.
/// </summary>
public static class ClientAddress
{
    /// <param name="trustForwardedFor">
    /// Take the last <c>X-Forwarded-For</c> entry: the one the platform's front end appended (in Azure, the App
    /// Service / Functions front end, the hop just before the app). Earlier entries are whatever the client sent.
    /// </param>
    public static string BucketOf(HttpRequest request, bool trustForwardedFor)
    {
        if (trustForwardedFor &&
            request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } hops &&
            IPEndPoint.TryParse(hops[^1], out var endpoint))
        {
            return Bucket(endpoint.Address);
        }
        return request.HttpContext.Connection.RemoteIpAddress is { } remote ? Bucket(remote) : "unknown";
    }

    public static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
