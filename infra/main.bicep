// ServerlessNews on Azure, the azd way: `azd up` creates a resource group and everything below,
// then deploys src/ServerlessNews.Functions to the function app tagged azd-service-name: api.
//
//   identity (user-assigned) --roles--> storage (data + host + $web), Key Vault, App Insights
//   Flex Consumption plan + function app (.NET 10 isolated) reading its settings from app/api.bicep
//   Event Grid: inbox/ BlobCreated -> InboxDrop, images/ -> MakeImageRenditions (after the first deploy; see inboxEventsEnabled)
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; with the subscription and location it seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region for all resources; it must offer Flex Consumption.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets data roles to inspect and test. Empty to skip.')
param principalId string = ''

@description('Kind of principal principalId is (ServicePrincipal when a pipeline provisions).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Resource group name; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Standard Webhooks signing secret(s) for POST /api/articles ("whsec_...", several separated by spaces while rotating). Stored in Key Vault only.')
@secure()
@minLength(16)
param webhooksSecret string

@description('Moderation API key (x-functions-key). Stored in Key Vault only.')
@secure()
@minLength(32)
param moderationKey string

@description('Public base URL of the site, no trailing slash; empty for the storage static website endpoint.')
param siteBaseUrl string = ''

@description('Origin allowed to call the API from the site\'s pages (CORS); empty for the origin of the site base URL.')
param siteOrigin string = ''

@description('Site name shown in titles and feeds.')
param siteName string = 'ServerlessNews'

@description('Site language (BCP 47).')
param siteLanguage string = 'en'

@description('Upper bound of function app instances (Flex Consumption scale-out).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Create the Event Grid subscription that feeds InboxDrop. It can only be created once the code is deployed, so the first provision leaves it out and the azd postdeploy hook turns it on.')
param inboxEventsEnabled bool = false

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
// Every name is computed here, from deployment-time values only, so that what-if can predict
// each resource id (modules get names, not other modules' outputs, for anything they address).
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}news-${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  functionApp: '${abbrs.webSitesFunctions}news-${resourceToken}'
  systemTopic: '${abbrs.eventGridSystemTopics}${resourceToken}'
  inboxSubscription: '${abbrs.eventGridEventSubscriptions}inbox-drop'
  imagesSubscription: '${abbrs.eventGridEventSubscriptions}image-renditions'
}
var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'inbox-deadletter'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/security/managed-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    indexDocument: 'index.html'
    errorDocument404Path: '404.html'
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module keyVault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    webhooksSecret: webhooksSecret
    moderationKey: moderationKey
  }
}

module plan 'core/host/flex-consumption-plan.bicep' = {
  name: 'plan'
  scope: rg
  params: {
    name: names.plan
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    appIdentityName: names.identity
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    identity
    storage
    keyVault
    monitoring
  ]
}

// The static website endpoint ends with '/'; URLs and origins here do not.
var staticWebsiteEndpoint = storage.outputs.primaryWebEndpoint
var staticWebsiteUrl = endsWith(staticWebsiteEndpoint, '/')
  ? take(staticWebsiteEndpoint, length(staticWebsiteEndpoint) - 1)
  : staticWebsiteEndpoint
var effectiveSiteBaseUrl = !empty(siteBaseUrl) ? siteBaseUrl : staticWebsiteUrl
// scheme://host[:port] of the base URL ('https:', '', 'host', 'path'...).
var siteBaseUrlParts = split(effectiveSiteBaseUrl, '/')
var effectiveSiteOrigin = !empty(siteOrigin) ? siteOrigin : '${siteBaseUrlParts[0]}//${siteBaseUrlParts[2]}'

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: names.functionApp
    location: location
    tags: tags
    serviceName: 'api'
    planId: plan.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storage
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    webhooksSecretUri: keyVault.outputs.webhooksSecretUri
    moderationKeySecretUri: keyVault.outputs.moderationKeySecretUri
    siteBaseUrl: effectiveSiteBaseUrl
    siteName: siteName
    siteLanguage: siteLanguage
    // The site's own origin, and the static website's (which keeps serving the same pages even
    // when a CDN or custom domain is the canonical address).
    corsAllowedOrigins: union([effectiveSiteOrigin], [staticWebsiteUrl])
    instanceMemoryMB: 2048
    maximumInstanceCount: maximumInstanceCount
  }
  // The identity must hold its storage and Key Vault roles before the host starts with it.
  // (The storage module, containers included, is already a dependency: the site URLs come from it.)
  dependsOn: [
    rbac
  ]
}

module inboxEvents 'app/inbox-events.bicep' = if (inboxEventsEnabled) {
  name: 'inbox-events'
  scope: rg
  params: {
    systemTopicName: names.systemTopic
    subscriptionName: names.inboxSubscription
    location: location
    tags: tags
    storageAccountName: names.storage
    inboxContainerName: 'inbox'
    deadLetterContainerName: deadLetterContainerName
    functionAppName: names.functionApp
    functionName: 'InboxDrop'
    imagesSubscriptionName: names.imagesSubscription
  }
  dependsOn: [
    api
  ]
}

// Outputs land in the azd environment (.azure/<env>/.env) for hooks, scripts and tests.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SITE_URL string = effectiveSiteBaseUrl
output STATIC_WEBSITE_URL string = staticWebsiteUrl
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.endpoint
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
output INBOX_EVENTS_ENABLED bool = inboxEventsEnabled
