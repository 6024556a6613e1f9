import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../../fleet-server/src/enrollment/bootstrap-tokens';
import { startTestServer, type TestServer } from '../../fleet-server/tests/helpers/test-server';
import { StationCredentialsFile } from '../../main/adapters/fleet/station-credentials';
import { openLocalKeyVault } from '../../main/adapters/key-vault/local-key-vault-setup';
import { makeTempDir } from '../../main/test-support/temp-dir';
import type { FlashRig } from '../flash/flash-lab-rig';
import { getJsonAsStation } from '../fleet/fleet-station-fixture';
import { startLab, type RunningLab } from '../lab/lab-runner';
import { isProcessAlive } from '../lab/process-liveness';
import { parseScenario } from '../lab/scenario';
import { launchChromium, openWatchedPage } from '../support/browser';
import { startLabStationProcess, type LabStationProcess } from '../support/lab-station-process';
import { serialGlobUnder, startSerialRigUnder } from '../support/lab-station-rigs';
import { screenshotStep } from '../support/lab-station-screenshots';
import { runFieldline } from '../support/station-process';

/**
 * Journey 8 (issue #7): a technician at an install site. Three lab devices are found by the real
 * station (e2e/support/lab-station-main.ts): a serial SMP device on a pty and a UDP SMP device
 * advertised over mDNS, both run by this test, and a USB DFU device on the station's virtual USB bus.
 * The technician enrolls the station at a fleet server started here (its EST CA issues the device
 * certificate), provisions the serial device to the example recipe, finds it in Records by its serial,
 * syncs, sees it in the fleet server's device API, and retires the UDP device with a certificate of
 * sanitization. Runs inside
 * in-private-network.sh (mDNS multicast stays in the namespace).
 */
const JOURNEY = 'technician';
const SERIAL_DEVICE = 'FL-LAB-0001';
const UDP_DEVICE = 'FL-LAB-0002';
const USB_DEVICE = 'FL-LAB-0003';
/** The station's secrets are sealed with a passphrase here, so nothing touches the real ~/.config. */
const VAULT_ENV = { FIELDLINE_KEY_PASSPHRASE: 'technician-journey-vault-passphrase' };
const DISCOVERY_TIMEOUT_MS = 30_000;
/** Flash 2.1.0, enroll over EST at the fleet server, write and read back the settings. */
const PROVISION_TIMEOUT_MS = 90_000;
const RETIRE_TIMEOUT_MS = 60_000;
/** The example recipe as the station ships it: what a technician picks in the Provision flow. */
const EXAMPLE_RECIPE = fileURLToPath(new URL('../../resources/recipes/lab-sensor/recipe.yaml', import.meta.url));
const WIFI_PASSWORD = 'journey-8-wifi-passphrase';

let dir: ReturnType<typeof makeTempDir>;
let server: TestServer;
let serialRig: FlashRig;
let networkLab: RunningLab;
let station: LabStationProcess;
let stationDir: string;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];

const nav = (name: string): Locator => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
const deviceRow = (serial: string): Locator => page.locator('tr[data-device-id]').filter({ hasText: serial });

beforeAll(async () => {
  dir = makeTempDir('fieldline-e2e-technician-');
  // Embedded PGlite: inside the user namespace a PostgreSQL socket owned by `postgres` is unreachable
  // (as in fleet-enrollment.e2e.ts); the fleet suites cover PostgreSQL.
  server = await startTestServer({ databaseUrl: undefined });
  serialRig = await startSerialRigUnder(dir.path, { config: { serialNumber: SERIAL_DEVICE } });
  networkLab = await startLab(
    parseScenario(
      [
        'name: technician-network',
        'advertise: true',
        'devices:',
        `  - { name: sensor-udp-1, family: smp, serialNumber: ${UDP_DEVICE}, transport: { kind: udp } }`,
      ].join('\n'),
      join(dir.path, 'network-lab.yaml'),
    ),
    join(dir.path, 'network-lab'),
  );
  stationDir = join(dir.path, 'station');
  station = await startLabStationProcess(stationDir, {
    scenarioYaml: `name: technician-usb\ndevices:\n  - { name: bootloader-dfu-1, family: dfu, serialNumber: ${USB_DEVICE} }\n`,
    labStateRoot: join(dir.path, 'usb-lab'),
    args: ['--no-drives'],
    env: { FIELDLINE_SERIAL_GLOBS: serialGlobUnder(dir.path), ...VAULT_ENV },
  });
  browser = await launchChromium();
  ({ page, errors: pageErrors } = await openWatchedPage(browser, { width: 1440, height: 1000 }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await station?.stop();
  const socats = serialRig?.socatPids ?? [];
  await serialRig?.stop();
  await networkLab?.stop();
  await server?.close();
  dir?.remove();
  for (const pid of socats) expect(isProcessAlive(pid)).toBe(false);
});

describe('journey 8: a technician discovers, provisions, finds the records, syncs and retires', () => {
  it('lists the three lab devices in Devices, each with its transport', async () => {
    await page.goto(station.url);
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    const expected = [
      [SERIAL_DEVICE, 'Serial'],
      [UDP_DEVICE, 'Network'],
      [USB_DEVICE, 'USB'],
    ] as const;
    for (const [serial, transport] of expected) {
      const row = deviceRow(serial);
      await row.getByText(transport, { exact: true }).waitFor({ timeout: DISCOVERY_TIMEOUT_MS });
    }
    expect(await page.locator('tr[data-device-id]').count()).toBe(3);
    // Serial probing names a device by its hardware id; mDNS (TXT serial) and USB (iSerialNumber) by serial.
    expect(await deviceRow(SERIAL_DEVICE).getAttribute('data-device-id')).toBe(serialDeviceIdOnStation());
    expect(await deviceRow(UDP_DEVICE).getAttribute('data-device-id')).toBe(`serial:${UDP_DEVICE}`);
    expect(await deviceRow(USB_DEVICE).getAttribute('data-device-id')).toBe(`serial:${USB_DEVICE}`);
    await screenshotStep(page, JOURNEY, '1-devices-discovered');
  });

  it('follows the USB device when its cable is pulled and plugged back (the lab station’s bus in the test’s hand)', async () => {
    const usbRow = deviceRow(USB_DEVICE);
    await station.unplugUsb('bootloader-dfu-1');
    // Past the registry's grace period the device stays listed (the ledger knows it) but is not connected.
    await usbRow.getByText('Not connected', { exact: true }).waitFor({ timeout: DISCOVERY_TIMEOUT_MS });
    await station.plugUsb('bootloader-dfu-1');
    await usbRow.getByText('USB', { exact: true }).waitFor({ timeout: DISCOVERY_TIMEOUT_MS });
  });

  it('enrolls the station at the fleet server from Settings', async () => {
    await nav('Settings').click();
    const fleet = page.getByRole('region', { name: 'Fleet server' });
    await fleet.getByText('Not connected to a fleet server', { exact: true }).waitFor();
    const { token } = await createBootstrapToken(server.db, { ttlMinutes: 10 });
    await fleet.getByLabel('Server URL', { exact: true }).fill(server.url);
    await fleet.getByLabel('Bootstrap token', { exact: true }).fill(token);
    await fleet.locator('input[type="file"]').setInputFiles({
      name: 'fleet-ca.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(server.caPem),
    });
    await fleet.getByText('Read from fleet-ca.pem').waitFor();
    await fleet.getByRole('button', { name: 'Enroll station' }).click();
    await fleet.getByText('Station enrolled').waitFor({ timeout: 30_000 });
    await screenshotStep(page, JOURNEY, '2-station-enrolled');
  });

  it('provisions the serial device to the example recipe through the Provision flow: plan, apply, evidence', async () => {
    await page.goto(`${station.url}#/devices/${encodeURIComponent(serialDeviceIdOnStation())}`);
    await page.getByRole('heading', { name: `Device ${SERIAL_DEVICE}`, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Provision…' }).click();
    const dialog = page.getByRole('dialog', { name: `Provision ${SERIAL_DEVICE}` });
    await dialog.locator(`[data-recipe-path="${EXAMPLE_RECIPE}"] input[type="radio"]`).check();
    await dialog.getByRole('button', { name: 'Next: values' }).click();
    // Site, SSID, host name and report interval come from the site file, allocator and device table.
    await dialog.getByLabel(/^wifiPassword/).fill(WIFI_PASSWORD);
    await dialog.getByRole('button', { name: 'Show plan' }).click();
    const plan = dialog.getByRole('group', { name: 'Plan' });
    await plan.waitFor({ timeout: 30_000 });
    expect(await plan.textContent()).toContain('install 2.1.0');
    expect(await plan.textContent()).toContain('enroll certificate');
    expect(await plan.textContent()).not.toContain(WIFI_PASSWORD);
    await screenshotStep(dialog, JOURNEY, '3-provision-plan');

    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await dialog.getByRole('list', { name: 'Steps' }).waitFor();
    await screenshotStep(dialog, JOURNEY, '4-provision-applying');
    await dialog.getByText('Provisioned: the device matches the recipe').waitFor({ timeout: PROVISION_TIMEOUT_MS });
    await dialog.getByRole('list', { name: 'Recorded in the ledger' }).getByText('config.applied').waitFor();
    await screenshotStep(dialog, JOURNEY, '5-provisioned');
    expect(await page.content()).not.toContain(WIFI_PASSWORD);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, PROVISION_TIMEOUT_MS + 30_000);

  it('finds the serial device in Records by its serial', async () => {
    await nav('Records').click();
    await page.getByRole('heading', { name: 'Records', level: 1 }).waitFor();
    await page.getByLabel('Search', { exact: true }).fill(SERIAL_DEVICE);
    const serialDeviceId = serialDeviceIdOnStation();
    const rows = page.locator('tr[data-event-id]');
    // The search runs as one types: wait until only this device's records are listed (the other two
    // devices' records do not carry its serial).
    await expect
      .poll(async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes(serialDeviceId));
      }, { timeout: 10_000 })
      .toBe(true);
    await rows.filter({ hasText: 'device.discovered' }).first().waitFor();
    // The flash the provisioning did carries the serial too (its ledger payload names the device).
    await rows.filter({ hasText: 'firmware.flashed' }).first().waitFor();
    await screenshotStep(page, JOURNEY, '6-records-search');
  });

  it('syncs with "Sync now": the indicator says Synced and the fleet server’s device API shows the device', async () => {
    await nav('Settings').click();
    const fleet = page.getByRole('region', { name: 'Fleet server' });
    await fleet.getByRole('button', { name: 'Sync now' }).click();
    await fleet.getByText('Nothing waiting: every record is on the fleet server.').waitFor({ timeout: 30_000 });
    await page.getByRole('banner').getByText('Synced', { exact: true }).waitFor();
    await screenshotStep(page, JOURNEY, '7-synced');

    const serialDeviceId = serialDeviceIdOnStation();
    const seen = (await getJsonAsStation(`${server.url}/devices/${encodeURIComponent(serialDeviceId)}`, await stationTls())) as Record<string, unknown>;
    // The fleet's projection of the device: provisioned to the recipe (configured) on firmware 2.1.0.
    expect(seen).toMatchObject({ id: serialDeviceId, serial: SERIAL_DEVICE, state: 'configured', firmwareVersion: '2.1.0' });
  });

  it('retires the UDP device through the Retire flow and shows the certificate of sanitization', async () => {
    await page.goto(`${station.url}#/devices/${encodeURIComponent(`serial:${UDP_DEVICE}`)}`);
    await page.getByRole('heading', { name: `Device ${UDP_DEVICE}`, level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Retire…' }).click();
    const dialog = page.getByRole('dialog', { name: `Retire ${UDP_DEVICE}` });
    await dialog.getByRole('textbox', { name: /^Operator/ }).fill('Tess Technician');
    const wipe = dialog.getByRole('button', { name: `Wipe and retire ${UDP_DEVICE}` });
    expect(await wipe.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${UDP_DEVICE} to confirm`).fill(UDP_DEVICE);
    await screenshotStep(dialog, JOURNEY, '8-retire-confirm');
    await wipe.click();

    await dialog.getByText(`Retired: the wipe of ${UDP_DEVICE} was verified`).waitFor({ timeout: RETIRE_TIMEOUT_MS });
    await dialog.getByText('Certificate of sanitization').first().waitFor();
    const fields = await dialog.getByRole('table', { name: 'Certificate fields' }).textContent();
    expect(fields).toContain(UDP_DEVICE);
    expect(fields).toContain('Tess Technician');
    expect(await dialog.getByRole('table', { name: 'Wipe evidence' }).count()).toBe(1);
    expect(await dialog.getByTestId('station-key-fingerprint').textContent()).toMatch(/[0-9a-f]{16}/i);
    await screenshotStep(dialog, JOURNEY, '9-retired-certificate');

    // The downloaded certificate verifies against the station's public key with the CLI (an independent check).
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download certificate' }).click()]);
    const certificateFile = join(dir.path, download.suggestedFilename());
    await download.saveAs(certificateFile);
    const verdict = await runFieldline(['--data-dir', stationDir, 'retire', 'verify-certificate', certificateFile]);
    expect(verdict).toMatch(new RegExp(`^valid: ${UDP_DEVICE} \\(fieldline-lab-nrf52840\\) sanitized by NIST SP 800-88 clear .* by Tess Technician`));
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The detail now shows it retired (the state badge reads the lifecycle state) and offers no more actions.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).locator('..').textContent()).toContain('Retired');
    expect(await page.getByRole('button', { name: 'Retire…' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Provision…' }).isDisabled()).toBe(true);
  }, RETIRE_TIMEOUT_MS + 30_000);

  it('syncs the retirement: the fleet server’s device API shows the UDP device retired', async () => {
    await nav('Settings').click();
    const fleet = page.getByRole('region', { name: 'Fleet server' });
    await fleet.getByRole('button', { name: 'Sync now' }).click();
    await fleet.getByText('Nothing waiting: every record is on the fleet server.').waitFor({ timeout: 30_000 });
    const seen = await getJsonAsStation(`${server.url}/devices/${encodeURIComponent(`serial:${UDP_DEVICE}`)}`, await stationTls());
    expect(seen).toMatchObject({ serial: UDP_DEVICE, state: 'retired' });
    await screenshotStep(page, JOURNEY, '10-synced-after-retire');
  });

  it('raised no script error or CSP violation', () => {
    expect(pageErrors).toEqual([]);
  });
});

/** The id the station gives a device found by serial probing (`hwid:<HEX>`), as Devices shows it. */
function serialDeviceIdOnStation(): string {
  return `hwid:${serialRig.hardwareId.toUpperCase()}`;
}

/** The station's client certificate, read from its data folder the way the station reads it. */
async function stationTls(): Promise<{ caPem: string; certificatePem: string; keyPem: string }> {
  const vault = openLocalKeyVault({ dataDir: stationDir, env: VAULT_ENV });
  const credentials = await new StationCredentialsFile(stationDir, vault).open();
  if (credentials === null) throw new Error('the station holds no fleet credentials after enrolling');
  return { caPem: credentials.caPem, certificatePem: credentials.certificatePem, keyPem: credentials.keyPem };
}
