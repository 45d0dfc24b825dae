// A user-assigned managed identity: the one identity the function app uses for everything
// (storage, Key Vault references, Application Insights ingestion, deployment package).
// User-assigned rather than system-assigned so that its role assignments can be created
// before the app exists, and survive the app being deleted and recreated.

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
