namespace ServerlessNews.Hosting;

/// <summary>Checks shared by the settings that hold secrets.</summary>
public static class SecretSetting
{
    /// <summary>
    /// A Key Vault reference the platform could not resolve arrives as its own text, "@Microsoft.KeyVault(...)": a
    /// value anyone who can guess the vault's name could send. It is refused at start instead of being used as a key.
    /// </summary>
    public static string? UnresolvedKeyVaultReference(string setting, string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase)
            ? $"{setting}: the Key Vault reference was not resolved; check that the secret exists and that the app's identity holds Key Vault Secrets User on the vault."
            : null;
}
