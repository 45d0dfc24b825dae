// The function app: .NET 10 isolated worker on Flex Consumption, running as its user-assigned
// identity, with the settings the code reads (one object, `appSettings`, below).

@description('Name of the function app (globally unique host name).')
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('azd service name in azure.yaml; azd finds the app to deploy by this tag.')
param serviceName string = 'api'

@description('Resource id of the Flex Consumption plan.')
param planId string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Storage account used as AzureWebJobsStorage and for the app\'s data.')
param storageAccountName string

@description('Blob container that receives the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Versionless Key Vault URI of the webhooks signing secret.')
param webhooksSecretUri string

@description('Versionless Key Vault URI of the moderation API key.')
param moderationKeySecretUri string

@description('Versionless Key Vault URI of the moderation hash key.')
param moderationHashKeySecretUri string

@description('Public base URL of the rendered site (canonical URLs, feeds, sitemaps), no trailing slash.')
param siteBaseUrl string

@description('Where the pages\' comment form posts (scheme and host, no path): Front Door\'s URL when it serves /api on the site\'s origin; empty for this app\'s own host name.')
param apiBaseUrl string = ''

@description('Site name shown in titles and feeds.')
param siteName string

@description('Site language (BCP 47), the <html lang> of every page.')
param siteLanguage string

@description('Origins allowed to call the API from a browser (the comment form posts to /api/comments).')
param corsAllowedOrigins array

@description('Memory per instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound for scale-out; keeps a traffic spike (or a comment flood) from scaling costs without limit.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

// The app settings. This object is THE list of settings the infrastructure gives the app, and
// the only place they are written (a test compares its keys with the settings the code reads).
// Flex Consumption sets FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION itself (from
// functionAppConfig.runtime) and rejects them as app settings.
var appSettings = {
  // Host and app storage through the managed identity: no connection string, no key.
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Secrets stay in Key Vault; the platform resolves the references with keyVaultReferenceIdentity.
  Webhooks__Secret: '@Microsoft.KeyVault(SecretUri=${webhooksSecretUri})'
  Moderation__Key: '@Microsoft.KeyVault(SecretUri=${moderationKeySecretUri})'
  Moderation__HashKey: '@Microsoft.KeyVault(SecretUri=${moderationHashKeySecretUri})'
  Site__BaseUrl: siteBaseUrl
  Site__Name: siteName
  Site__Language: siteLanguage
  // The article pages' comment form posts here: the static website has no /api. The app's real host name,
  // which on Flex Consumption is not always <name>.azurewebsites.net (unique default host names).
  Comments__ApiBaseUrl: !empty(apiBaseUrl) ? apiBaseUrl : 'https://${app.properties.defaultHostName}'
  // Telemetry with Entra ID authentication (the component has local auth disabled).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    // Key Vault references resolve with this identity (the default would be a system-assigned
    // identity, which this app does not have).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: appSettings
}

// No FTP and no basic-auth publishing: azd deploys with a Microsoft Entra token.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = app.id
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output uri string = 'https://${app.properties.defaultHostName}'
