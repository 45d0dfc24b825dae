// Azure Front Door (Standard), part one: the profile, its endpoint, the custom domain and the rule set that
// adds the response headers the storage static website cannot send. Nothing here depends on the function
// app, so the app's settings can name the endpoint's host name (unique, chosen by Front Door), and the
// routes to the app follow in app/front-door-routes.bicep.

@description('Name of the Front Door profile.')
param profileName string

@description('Name of the endpoint; Front Door adds a unique suffix to its host name.')
param endpointName string

param tags object = {}

@description('Custom domain (e.g. news.example.com); empty for none.')
param customDomainName string = ''

@description('Content-Security-Policy sent with every answer (main.bicep has the default and why).')
param contentSecurityPolicy string

resource profile 'Microsoft.Cdn/profiles@2025-04-15' = {
  name: profileName
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

// A certificate managed (and renewed) by Front Door once the domain is validated: TXT _dnsauth.<domain>
// = the validation token (an output of main.bicep), then a CNAME <domain> -> the endpoint's host name.
resource customDomain 'Microsoft.Cdn/profiles/customDomains@2025-04-15' = if (!empty(customDomainName)) {
  parent: profile
  name: replace(customDomainName, '.', '-')
  properties: {
    hostName: customDomainName
    tlsSettings: {
      certificateType: 'ManagedCertificate'
      minimumTlsVersion: 'TLS12'
    }
  }
}

resource securityHeaders 'Microsoft.Cdn/profiles/ruleSets@2025-04-15' = {
  parent: profile
  name: 'SecurityHeaders'
}

resource responseHeaders 'Microsoft.Cdn/profiles/ruleSets/rules@2025-04-15' = {
  parent: securityHeaders
  name: 'ResponseHeaders'
  properties: {
    order: 1
    conditions: []
    matchProcessingBehavior: 'Continue'
    actions: [
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Content-Security-Policy'
          value: contentSecurityPolicy
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'X-Content-Type-Options'
          value: 'nosniff'
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Referrer-Policy'
          value: 'strict-origin-when-cross-origin'
        }
      }
      {
        // A year, and the subdomains: browsers then never ask for the site over plain HTTP.
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Strict-Transport-Security'
          value: 'max-age=31536000; includeSubDomains'
        }
      }
      {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: 'Permissions-Policy'
          value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()'
        }
      }
    ]
  }
}

output endpointHostName string = endpoint.properties.hostName
output url string = 'https://${!empty(customDomainName) ? customDomainName : endpoint.properties.hostName}'
output customDomainValidationToken string = !empty(customDomainName)
  ? customDomain!.properties.validationProperties.validationToken
  : ''
