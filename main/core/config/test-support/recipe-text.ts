/** A valid recipe document for tests (the shape of resources/recipes/lab-gateway/recipe.yaml). */
export const LAB_RECIPE_YAML = `name: lab-gateway
version: 1.2.0
match:
  model: [fieldline-lab-nrf52840]
  product: fieldline-lab-nrf52840
  hardwareRevisions: [A, B]
bundle:
  path: firmware/lab-2.1.0.fwb
certificate:
  subject:
    commonName: "{serial}"
    organization: Fieldline
variables:
  hostname:
    type: string
    format: hostname
  site:
    type: string
    minLength: 2
  reportSeconds:
    type: integer
    minimum: 10
    maximum: 3600
    default: 60
  wifiPassword:
    type: string
    x-secret: true
    minLength: 8
allocators:
  hostname:
    pattern: "gw-{counter:04}"
    start: 1
settings:
  net/hostname: "{{hostname}}"
  app/site: "site {{ site }}"
  app/report_s: "{{reportSeconds}}"
  wifi/psk: "{{wifiPassword}}"
`;
