// The one storage account of the app: the Functions host's own storage (AzureWebJobsStorage),
// the app's data (blobs, queues, tables) and the public site ($web, the static website).
// Secretless: shared keys are off, so every caller (the app, the deploying user, Event Grid)
// authenticates with Microsoft Entra ID and is authorized by a data-plane role (app/rbac.bicep).

@description('Name of the account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('Redundancy. LRS is enough for a site that can be re-rendered from `content`.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_LRS'

@description('Container that receives the app package (Flex Consumption one-deploy).')
param deploymentContainerName string

@description('Container where Event Grid writes inbox events it could not deliver.')
param deadLetterContainerName string

@description('Static website index document.')
param indexDocument string = 'index.html'

@description('Static website 404 document.')
param errorDocument404Path string = '404.html'

// Storage layout (docs: DESIGN.md, "Storage layout"). `$web` is not listed: the static
// website creates it. The `-poison` queues and the host's own containers
// (azure-webjobs-hosts, azure-webjobs-secrets) are created by the Functions runtime.
var containerNames = [
  'inbox' // drop zone: a blob created here fires InboxDrop through Event Grid
  'submissions' // every accepted revision, immutable
  'content' // normalized article documents, the source of every re-render
  'templates' // optional theme overrides
  'rejected' // inbox drops that failed validation, with the reasons
  'images' // uploaded images: a blob created here fires MakeImageRenditions through Event Grid
  deploymentContainerName
  deadLetterContainerName
]
var queueNames = [
  'publish'
  'refresh'
  'moderate'
]
var tableNames = [
  'articles'
  'listings'
  'listingheads' // the newest rows of each listing, one row each: what a page reads in one request
  'comments'
  'commenters'
  'deliveries' // every webhook-id seen, site-wide: a delivery replayed elsewhere is refused
  'imageuses' // which articles show which uploaded image, to re-render them when its renditions change
]

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false // Entra ID only: no account keys, no account SAS
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false // $web is served by the static website endpoint, not by anonymous blob access
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Static website: since storage API version 2025-08-01 the blob service resource carries
// `staticWebsite`, so ARM enables it like any other property. (Before that it was a data-plane
// setting only - Set Blob Service Properties - reachable from a template only through a
// deploymentScript running `az storage blob service-properties update --static-website
// --auth-mode login`, with an extra identity and a script storage account that needs shared
// keys. None of that is needed here.)
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' = {
  parent: storage
  name: 'default'
  properties: {
    staticWebsite: {
      enabled: true
      indexDocument: indexDocument
      errorDocument404Path: errorDocument404Path
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-08-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-08-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-08-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-08-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output id string = storage.id
output name string = storage.name
output primaryBlobEndpoint string = storage.properties.primaryEndpoints.blob
// e.g. https://<account>.z6.web.core.windows.net/ (with the trailing slash ARM returns).
output primaryWebEndpoint string = storage.properties.primaryEndpoints.web
output containerNames array = containerNames
output queueNames array = queueNames
output tableNames array = tableNames
