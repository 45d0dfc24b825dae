// Azure Front Door (Standard), part two: the two origins and their routes, on the endpoint and rule set of
// app/front-door.bicep. /api/* goes to the function app, uncached; everything else to the storage static
// website, cached as the pages say (Cache-Control: public, max-age=60) and compressed. One origin for
// readers: the comment form posts to /api on the page's own origin, so no CORS is involved.

@description('Name of the Front Door profile (app/front-door.bicep).')
param profileName string

@description('Name of its endpoint.')
param endpointName string

@description('Custom domain the routes also serve; empty for none.')
param customDomainName string = ''

@description('Host name of the storage static website (<account>.<zone>.web.core.windows.net).')
param siteHostName string

@description('Host name of the function app.')
param apiHostName string

resource profile 'Microsoft.Cdn/profiles@2025-04-15' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' existing = {
  parent: profile
  name: endpointName
}

resource customDomain 'Microsoft.Cdn/profiles/customDomains@2025-04-15' existing = if (!empty(customDomainName)) {
  parent: profile
  name: replace(customDomainName, '.', '-')
}

resource securityHeaders 'Microsoft.Cdn/profiles/ruleSets@2025-04-15' existing = {
  parent: profile
  name: 'SecurityHeaders'
}

var customDomains = empty(customDomainName)
  ? []
  : [
      {
        id: customDomain.id
      }
    ]

// One origin per group: no health probes (they would only wake the app; with a single origin there is
// nothing to fail over to).
var loadBalancing = {
  sampleSize: 4
  successfulSamplesRequired: 3
  additionalLatencyInMilliseconds: 50
}

resource siteGroup 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = {
  parent: profile
  name: 'site'
  properties: {
    loadBalancingSettings: loadBalancing
    sessionAffinityState: 'Disabled'
  }
}

resource siteOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2025-04-15' = {
  parent: siteGroup
  name: 'static-website'
  properties: {
    hostName: siteHostName
    originHostHeader: siteHostName
    httpsPort: 443
    httpPort: 80
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource apiGroup 'Microsoft.Cdn/profiles/originGroups@2025-04-15' = {
  parent: profile
  name: 'api'
  properties: {
    loadBalancingSettings: loadBalancing
    sessionAffinityState: 'Disabled'
  }
}

resource apiOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2025-04-15' = {
  parent: apiGroup
  name: 'function-app'
  properties: {
    hostName: apiHostName
    originHostHeader: apiHostName
    httpsPort: 443
    httpPort: 80
    priority: 1
    weight: 1000
    enforceCertificateNameCheck: true
  }
}

resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'api'
  properties: {
    originGroup: {
      id: apiGroup.id
    }
    customDomains: customDomains
    ruleSets: [
      {
        id: securityHeaders.id
      }
    ]
    supportedProtocols: [
      'Https'
    ]
    patternsToMatch: [
      '/api/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Disabled'
    enabledState: 'Enabled'
    // No cacheConfiguration: answers of the API are never cached.
  }
  dependsOn: [
    apiOrigin
  ]
}

resource siteRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-04-15' = {
  parent: endpoint
  name: 'site'
  properties: {
    originGroup: {
      id: siteGroup.id
    }
    customDomains: customDomains
    ruleSets: [
      {
        id: securityHeaders.id
      }
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    patternsToMatch: [
      '/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
    cacheConfiguration: {
      // Pages differ by path only (the "awaiting moderation" token is read from the query by no one but the API).
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [
          'text/html'
          'text/css'
          'text/plain'
          'text/xml'
          'application/xml'
          'application/rss+xml'
          'application/atom+xml'
          'application/json'
          'image/svg+xml'
        ]
      }
    }
  }
  dependsOn: [
    siteOrigin
    // The more specific /api/* route first: both are on the same endpoint and domains.
    apiRoute
  ]
}
