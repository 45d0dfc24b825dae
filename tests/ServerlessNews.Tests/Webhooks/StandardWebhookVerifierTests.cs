using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessNews.Webhooks;

namespace ServerlessNews.Tests.Webhooks;

public sealed class StandardWebhookVerifierTests
{
    private const string OldSecret = "whsec_b2xkLXNlY3JldC1iZWluZy1yZXRpcmVkLW5vdw==";
    private const string NewSecret = "whsec_bmV3LXNlY3JldC1mb3ItdGhlLW5leHQteWVhcg==";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"a"}""");

    private static StandardWebhookVerifier Verifier(string secrets) =>
        new(Options.Create(new WebhookOptions { Secret = secrets }), new FakeTimeProvider(Now));

    private static string Sign(string secret, string id = "msg_1", DateTimeOffset? at = null, byte[]? body = null) =>
        StandardWebhookVerifier.Sign(secret, id, (at ?? Now).ToUnixTimeSeconds(), body ?? Body);

    private static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Accepts_a_correct_signature()
    {
        Assert.Equal(SignatureCheck.Valid, Verifier(OldSecret).Verify("msg_1", Ts(Now), Sign(OldSecret), Body));
    }

    [Fact]
    public void Matches_the_Standard_Webhooks_reference_vector()
    {
        // The example from the Standard Webhooks specification's reference implementations.
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
        var signature = StandardWebhookVerifier.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void During_rotation_either_secret_is_accepted()
    {
        var verifier = Verifier($"{OldSecret} {NewSecret}");
        Assert.Equal(SignatureCheck.Valid, verifier.Verify("msg_1", Ts(Now), Sign(OldSecret), Body));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify("msg_1", Ts(Now), Sign(NewSecret), Body));
    }

    [Fact]
    public void A_sender_rotating_may_send_several_signatures()
    {
        var header = $"v1,{Convert.ToBase64String(new byte[32])} {Sign(NewSecret)}";
        Assert.Equal(SignatureCheck.Valid, Verifier(NewSecret).Verify("msg_1", Ts(Now), header, Body));
    }

    [Fact]
    public void Rejects_a_signature_made_with_another_secret()
    {
        Assert.Equal(SignatureCheck.BadSignature, Verifier(NewSecret).Verify("msg_1", Ts(Now), Sign(OldSecret), Body));
    }

    [Fact]
    public void Rejects_a_tampered_body_id_or_timestamp()
    {
        var verifier = Verifier(OldSecret);
        var signature = Sign(OldSecret);
        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify("msg_1", Ts(Now), signature, Encoding.UTF8.GetBytes("""{"id":"b"}""")));
        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify("msg_2", Ts(Now), signature, Body));
        Assert.Equal(SignatureCheck.BadSignature, verifier.Verify("msg_1", Ts(Now.AddSeconds(1)), signature, Body));
    }

    [Theory]
    [InlineData(-301, SignatureCheck.StaleTimestamp)]
    [InlineData(-299, SignatureCheck.Valid)]
    [InlineData(299, SignatureCheck.Valid)]
    [InlineData(301, SignatureCheck.StaleTimestamp)]
    public void Timestamps_outside_five_minutes_are_refused_as_replays(int offsetSeconds, SignatureCheck expected)
    {
        var at = Now.AddSeconds(offsetSeconds);
        Assert.Equal(expected, Verifier(OldSecret).Verify("msg_1", Ts(at), Sign(OldSecret, at: at), Body));
    }

    [Theory]
    [InlineData(null, "1", "v1,x")]
    [InlineData("msg_1", null, "v1,x")]
    [InlineData("msg_1", "1", null)]
    [InlineData("msg_1", "1", "")]
    public void Missing_headers_are_refused(string? id, string? timestamp, string? signature)
    {
        Assert.Equal(SignatureCheck.MissingHeaders, Verifier(OldSecret).Verify(id, timestamp, signature, Body));
    }

    [Theory]
    [InlineData("v2,abc")]
    [InlineData("v1,not-base64!")]
    [InlineData("v1,AAAA")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void Malformed_signatures_are_refused(string header)
    {
        Assert.Equal(SignatureCheck.BadSignature, Verifier(OldSecret).Verify("msg_1", Ts(Now), header, Body));
    }

    [Fact]
    public void A_non_numeric_timestamp_is_refused()
    {
        Assert.Equal(SignatureCheck.BadTimestamp, Verifier(OldSecret).Verify("msg_1", "2026-11-27", Sign(OldSecret), Body));
    }

    [Fact]
    public void Without_a_configured_secret_nothing_is_accepted()
    {
        Assert.Equal(SignatureCheck.NotConfigured, Verifier("").Verify("msg_1", Ts(Now), Sign(OldSecret), Body));
    }
}
