// The Flex Consumption plan (FC1). One app per plan is the Flex model; the plan itself has no
// size to choose: memory and scale-out are set per app in functionAppConfig (app/api.bicep).

@description('Name of the plan.')
param name string

@description('Azure region (must offer Flex Consumption).')
param location string

param tags object = {}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux: Flex Consumption runs on Linux only
  }
}

output id string = plan.id
output name string = plan.name
