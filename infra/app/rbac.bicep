// Role assignments. Data-plane roles only for the app: it never gets a control-plane role on
// anything, so a leaked token cannot reconfigure the account, the vault or the app itself.
// Built-in role definition GUIDs are the same in every tenant; each is named beside it.

@description('Name of the storage account (data and host storage).')
param storageAccountName string

@description('Name of the Key Vault holding the app secrets.')
param keyVaultName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Name of the app\'s user-assigned identity.')
param appIdentityName string

@description('Object id of the deploying user or pipeline principal; empty to skip its roles.')
param userPrincipalId string = ''

@description('Kind of principal userPrincipalId is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param userPrincipalType string = 'User'

// Storage, for the app and for the developer (to drop files into `inbox`, read tables, or run the
// app locally against this account with their own identity). These roles also let the app create its
// containers, queues and tables, which it does (idempotently) at every start, as it does on Azurite.
// Storage Queue Data Message Processor / Sender are not added: both are subsets of Storage Queue
// Data Contributor, which the host needs anyway to create the `-poison` queues.
var storageRoles = [
  {
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
    name: 'Storage Blob Data Owner' // blob trigger (its receipts and leases), $web, content, deployment package
  }
  {
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
    name: 'Storage Queue Data Contributor' // publish/refresh/moderate queues, their -poison twins, blob trigger poison queue
  }
  {
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
    name: 'Storage Table Data Contributor' // articles, listings, listingheads, comments, commenters, deliveries, imageuses
  }
]

var monitoringMetricsPublisher = {
  id: '3913510d-42f4-4e42-8a64-420c390055eb'
  name: 'Monitoring Metrics Publisher' // Entra-authenticated telemetry ingestion (local auth is off)
}

var keyVaultSecretsUser = {
  id: '4633458b-17de-408a-b874-0445c86b69e6'
  name: 'Key Vault Secrets User' // read secrets: resolves the Key Vault references in app settings
}

var keyVaultSecretsOfficer = {
  id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  name: 'Key Vault Secrets Officer' // developer: rotate webhooks-secret / moderation-key
}

var hasUser = !empty(userPrincipalId)

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: appIdentityName
}

// Assignment names derive from the identity's resource id (known before deployment), not from
// its principal id (known only after), so what-if can predict them.
var appPrincipalId = appIdentity.properties.principalId

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    scope: storage
    name: guid(storage.id, appIdentity.id, role.id)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      description: '${role.name} for the function app'
    }
  }
]

resource appMonitoring 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appIdentity.id, monitoringMetricsPublisher.id)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: '${monitoringMetricsPublisher.name} for the function app'
  }
}

resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appIdentity.id, keyVaultSecretsUser.id)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: '${keyVaultSecretsUser.name} for the function app'
  }
}

resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: if (hasUser) {
    scope: storage
    name: guid(storage.id, userPrincipalId, role.id)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: userPrincipalId
      principalType: userPrincipalType
      description: '${role.name} for the deploying principal'
    }
  }
]

resource userSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (hasUser) {
  scope: vault
  name: guid(vault.id, userPrincipalId, keyVaultSecretsOfficer.id)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer.id)
    principalId: userPrincipalId
    principalType: userPrincipalType
    description: '${keyVaultSecretsOfficer.name} for the deploying principal'
  }
}
