// Event Grid delivery for the `inbox` blob trigger (InboxDrop, Source = EventGrid): a system topic
// on the storage account and a subscription that posts Microsoft.Storage.BlobCreated events for
// `inbox/` to the blob extension's webhook on the function app. A second subscription on the same
// topic (an account has one system topic) does the same for `images/` (MakeImageRenditions). Event-driven, so a dropped file is
// picked up in about a second, without the polling (and the full container scans) of the classic
// blob trigger, which Flex Consumption does not support anyway.
//
// Deploy this only after the app code is deployed: Event Grid validates the endpoint when the
// subscription is created (the blob extension answers the handshake), and the `blobs_extension`
// system key read below exists only once the host has loaded the blob extension. main.bicep gates
// this module on `inboxEventsSubscribe`, which only the azd postdeploy hook sets, for its own
// provision after each deploy (infra/hooks/postdeploy.*). Deploying it again changes nothing.

@description('Name of the system topic.')
param systemTopicName string

@description('Name of the event subscription.')
param subscriptionName string

@description('Azure region (the storage account\'s).')
param location string

param tags object = {}

@description('Storage account that raises the events.')
param storageAccountName string

@description('Container watched for new blobs.')
param inboxContainerName string = 'inbox'

@description('Container where undeliverable events are written.')
param deadLetterContainerName string

@description('Name of the function app.')
param functionAppName string

@description('Name of the blob-triggered function (the [Function] name in code).')
param functionName string = 'InboxDrop'

@description('Name of the event subscription for uploaded images.')
param imagesSubscriptionName string

@description('Container of uploaded images.')
param imagesContainerName string = 'images'

@description('Name of the function that makes image renditions.')
param imagesFunctionName string = 'MakeImageRenditions'

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' existing = {
  name: '${storageAccountName}/default/${deadLetterContainerName}'
}

resource app 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned' // used only to write dead letters (shared keys are off on the account)
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Storage Blob Data Contributor (ba92f5b4-2d11-453d-a403-e96b0029c9fe), on the dead-letter
// container only.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: deadLetterContainer
  name: guid(deadLetterContainer.id, systemTopic.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
    )
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'Storage Blob Data Contributor for Event Grid dead letters'
  }
}

// The blob extension's webhook, authorized by the `blobs_extension` system key of the host.
// Read at deployment time and written into the (write-only) endpoint URL; never an output.
var blobsExtensionKey = listKeys('${app.id}/host/default', '2025-03-01').systemKeys.blobs_extension
var endpointUrl = 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
var imagesEndpointUrl = 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${imagesFunctionName}&code=${blobsExtensionKey}'

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: endpointUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${inboxContainerName}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // An event Event Grid gave up on is kept, so the drop can be replayed (the blob itself is
    // still in `inbox`; re-upload it or post the stored event to the webhook).
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
  dependsOn: [
    deadLetterWriter
  ]
}

// Uploaded images, delivered like inbox drops (the upload stays in `images` if an event is dead-lettered).
resource imagesSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: imagesSubscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: imagesEndpointUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${imagesContainerName}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
  dependsOn: [
    deadLetterWriter
  ]
}

output systemTopicName string = systemTopic.name
output subscriptionName string = subscription.name
output imagesSubscriptionName string = imagesSubscription.name
