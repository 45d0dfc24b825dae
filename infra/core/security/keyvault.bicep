// Key Vault (Azure RBAC authorization, no access policies) holding the app's three secrets.
// The function app never sees the values in its configuration: its app settings are Key Vault
// references (@Microsoft.KeyVault(SecretUri=...)) resolved by the platform with the app's
// user-assigned identity, which holds Key Vault Secrets User (app/rbac.bicep).

@description('Name of the vault (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('Standard Webhooks signing secret(s) for POST /api/articles: "whsec_..." values, several separated by spaces while rotating.')
@secure()
@minLength(16)
param webhooksSecret string

@description('Key for the moderation API (x-functions-key or Authorization: Bearer; the app checks it against Moderation__Key).')
@secure()
@minLength(32)
param moderationKey string

@description('Secret of the keyed hashes of emails and addresses and of pending-comment tokens (Moderation__HashKey); apart from the API key, so rotating that key keeps the hashes.')
@secure()
@minLength(32)
param moderationHashKey string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Purge protection is left off so that `azd down --purge` can remove the vault of a
    // throw-away environment; turn it on for production.
    publicNetworkAccess: 'Enabled'
  }
}

resource webhooksSecretResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'webhooks-secret'
  properties: {
    value: webhooksSecret
    contentType: 'text/plain'
  }
}

resource moderationKeyResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'moderation-key'
  properties: {
    value: moderationKey
    contentType: 'text/plain'
  }
}

resource moderationHashKeyResource 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'moderation-hash-key'
  properties: {
    value: moderationHashKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output endpoint string = vault.properties.vaultUri
// Versionless URIs: a Key Vault reference without a version follows the latest version of the
// secret (the platform re-reads it within a day, or at once on a config change / restart).
output webhooksSecretUri string = webhooksSecretResource.properties.secretUri
output moderationKeySecretUri string = moderationKeyResource.properties.secretUri
output moderationHashKeySecretUri string = moderationHashKeyResource.properties.secretUri
