using Microsoft.Extensions.Options;
using ServerlessNews.Hosting;

namespace ServerlessNews.Webhooks;

/// <summary>
/// Checks <c>Webhooks__Secret</c> at start: each secret must be <c>whsec_</c> + base64 of at least 24 bytes (Standard
/// Webhooks), so a bad value stops the app with one line naming the setting instead of failing every delivery.
/// The line never contains the value.
/// </summary>
public sealed class WebhookSecretValidation : IValidateOptions<WebhookOptions>
{
    public const string Setting = "Webhooks__Secret";
    public const int MinimumBytes = 24;

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        if (SecretSetting.UnresolvedKeyVaultReference(Setting, options.Secret) is { } unresolved)
        {
            return ValidateOptionsResult.Fail(unresolved);
        }
        var secrets = options.Secret.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var problems = new List<string>();
        for (var i = 0; i < secrets.Length; i++)
        {
            var which = secrets.Length == 1 ? "the secret" : $"secret {i + 1} of {secrets.Length}";
            try
            {
                var bytes = StandardWebhookVerifier.DecodeSecret(secrets[i]).Length;
                if (bytes < MinimumBytes)
                {
                    problems.Add($"{which} decodes to {bytes} bytes, fewer than {MinimumBytes}");
                }
            }
            catch (FormatException)
            {
                problems.Add($"{which} is not base64 after 'whsec_'");
            }
        }
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{Setting}: {string.Join("; ", problems)}. Use 'whsec_' followed by the base64 of at least {MinimumBytes} random bytes, several separated by spaces while rotating.");
    }
}
