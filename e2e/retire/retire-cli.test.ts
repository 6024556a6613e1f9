import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../main/host/cli/exit-codes';
import { pendingRevocations } from '../../main/core/sync/certificate-revocation-sync';
import {
  signedText,
  verifySanitizationCertificate,
  type SanitizationCertificate,
} from '../../main/core/retirement/sanitization-certificate';
import { makeTempDir } from '../../main/test-support/temp-dir';
import { FlashRig } from '../flash/flash-lab-rig';
import { loadScenario } from '../lab/scenario';
import { isProcessAlive } from '../lab/process-liveness';
import { openStation } from '../fleet/fleet-station-fixture';
import { cli, configAppliedPayload, FIELD_CONTENT, fillDevice } from './retire-rig';

const WIPE_FAULTS = fileURLToPath(new URL('../lab/scenarios/wipe-faults.yaml', import.meta.url));

/** The forgetOnWipe fault of one device of the wipe-faults scenario: the fault is reachable from the file. */
async function scenarioFaults(name: string) {
  const device = (await loadScenario(WIPE_FAULTS)).devices.find((candidate) => candidate.name === name);
  if (device?.family !== 'smp' || device.faults === undefined) throw new Error(`no SMP device ${name} with faults`);
  return device.faults;
}

describe('fieldline retire', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let rig: FlashRig | undefined;
  // A fast key file for the local vault (the default would be written under ~/.config).
  const env = { ...process.env };

  afterEach(async () => {
    const pids = rig?.socatPids ?? [];
    expect(rig?.device.faults ?? []).toEqual([]);
    await rig?.stop();
    rig = undefined;
    dir?.remove();
    process.env = env;
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
  });

  async function setUp(faults?: Awaited<ReturnType<typeof scenarioFaults>>, config: { isCryptoErase?: boolean } = {}) {
    dir = makeTempDir('fieldline-retire-cli-');
    process.env = { ...env, FIELDLINE_KEY_PASSPHRASE: 'retire test passphrase, long enough' };
    rig = await FlashRig.start({ transport: 'serial', baudRate: 921_600, config, ...(faults ? { faults } : {}) });
    const endpoint = rig.endpoint;
    if (endpoint.kind !== 'serial') throw new Error('serial rig expected');
    const dataDir = join(dir.path, 'data');
    const deviceId = `hwid:${rig.hardwareId.toUpperCase()}`;
    await fillDevice(rig.device);
    const recorded = await cli(['--data-dir', dataDir, 'ledger', 'append', '--actor', 'test', '--type', 'config.applied', '--device', deviceId, '--payload', configAppliedPayload()]);
    expect(recorded.code).toBe(EXIT.ok);
    const retireArgs = ['--data-dir', dataDir, '--json', 'retire', '--device', endpoint.path, '--baud', '921600', '--operator', 'Ada Lovelace'];
    return { rig, dataDir, deviceId, retireArgs };
  }

  function history(dataDir: string, deviceId: string) {
    const station = openStation(dataDir);
    try {
      return {
        events: station.ledger.deviceHistory(deviceId),
        state: station.store.listDevices().find((device) => device.id === deviceId)?.state ?? null,
        pending: pendingRevocations(station.store),
      };
    } finally {
      station.close();
    }
  }

  it('wipes a device on a pty, verifies by reading back, signs a certificate of sanitization, queues the revocation, and the device is retired', async () => {
    const { rig: device, dataDir, deviceId, retireArgs } = await setUp();
    const run = await cli(retireArgs);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const steps = run.lines.filter((line) => line.event === 'operation').map((line) => (line.operation as { steps: { name: string; state: string }[] }).steps);
    expect(steps.at(-1)?.map((step) => step.name)).toEqual(['read-identity', 'zeroize', 'delete-settings', 'erase-storage', 'erase-slot', 'verify-wipe', 'certify']);
    const result = run.lines.at(-1)!;
    expect(result).toMatchObject({ event: 'result', state: 'retired', remaining: [] });

    // The device holds nothing any more.
    expect(await device.device.credentials.readPrivateKey()).toBeUndefined();
    expect(await device.device.credentials.readChain()).toBeUndefined();
    expect(device.device.settings.size).toBe(0);
    expect((await device.device.store.readSavedSettings()).size).toBe(0);
    expect(await device.device.fileSystem.list()).toEqual([]);
    expect(await device.device.store.readSlot(1)).toBeUndefined();

    // The ledger: verified wipe → revocation requested → retired carrying the certificate; projection retired.
    const { events, state, pending } = history(dataDir, deviceId);
    expect(state).toBe('retired');
    const types = events.map((event) => event.type);
    expect(types.indexOf('certificate.revocation-requested')).toBeLessThan(types.indexOf('device.retired'));
    expect(types).not.toContain('device.wipe-failed');
    const retired = events.find((event) => event.type === 'device.retired')!;
    expect(retired.id).toBe(result.retiredEventId);
    const certificate = (retired.payload as { certificate: SanitizationCertificate }).certificate;
    expect(certificate).toEqual(result.certificate);
    expect(pending).toEqual([expect.objectContaining({ certificateSerial: FIELD_CONTENT.certificateSerial, reasonCode: 5, deviceId })]);

    // The certificate: what, how, who, where, when, and which ledger event it follows.
    const keyRun = await cli(['--data-dir', dataDir, 'retire', 'station-key']);
    expect(keyRun.code).toBe(EXIT.ok);
    const publicKeyPem = keyRun.stdout;
    const body = verifySanitizationCertificate(certificate, publicKeyPem).body;
    expect(body).toMatchObject({
      device: { id: deviceId, hardwareId: device.hardwareId, serial: 'FL-RIG-0001', model: device.config.model },
      method: { standard: 'NIST SP 800-88 Rev. 1', level: 'clear' },
      remaining: [],
      operator: 'Ada Lovelace',
      revocations: [{ certificateSerial: FIELD_CONTENT.certificateSerial, reason: 'cessationOfOperation' }],
    });
    expect(body.followsEventId).toBe(events[types.indexOf('certificate.revocation-requested') - 1]!.id);
    expect(body.actions.map((action) => [action.name, action.verification.result])).toEqual([
      ['zeroize', 'clean'],
      ['delete-settings', 'clean'],
      ['erase-storage', 'clean'],
      ['erase-slot', 'clean'],
    ]);
    expect(body.actions.find((action) => action.name === 'delete-settings')!.targets).toEqual(Object.keys(FIELD_CONTENT.settings).sort());

    // verify-certificate through the CLI: the certificate, and the ledger event carrying it; tampering is refused.
    const certificateFile = join(dir!.path, 'certificate.json');
    writeFileSync(certificateFile, JSON.stringify(certificate));
    expect((await cli(['--data-dir', dataDir, 'retire', 'verify-certificate', certificateFile])).code).toBe(EXIT.ok);
    const eventFile = join(dir!.path, 'retired-event.json');
    writeFileSync(eventFile, JSON.stringify(retired));
    expect((await cli(['--data-dir', dataDir, 'retire', 'verify-certificate', eventFile])).code).toBe(EXIT.ok);
    const tampered = structuredClone(certificate);
    tampered.body.operator = 'Mallory';
    writeFileSync(certificateFile, JSON.stringify(tampered));
    const refused = await cli(['--data-dir', dataDir, '--json', 'retire', 'verify-certificate', certificateFile]);
    expect(refused.code).toBe(EXIT.certificateInvalid);
    expect(refused.stderr).toMatch(/SANITIZATION_CERTIFICATE_INVALID.*altered/);

    // openssl checks the Ed25519 signature independently.
    const textFile = join(dir!.path, 'signed.txt');
    const signatureFile = join(dir!.path, 'signature.bin');
    const keyFile = join(dir!.path, 'station.pub.pem');
    writeFileSync(textFile, signedText(certificate));
    writeFileSync(signatureFile, Buffer.from(certificate.signature.value, 'base64'));
    writeFileSync(keyFile, publicKeyPem);
    const verdict = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', keyFile, '-rawin', '-in', textFile, '-sigfile', signatureFile]).toString();
    expect(verdict).toMatch(/Signature Verified Successfully/);
  });

  it('a device that forgets to erase a setting fails verification loudly, naming it, and is not retired', async () => {
    const { dataDir, deviceId, retireArgs } = await setUp(await scenarioFaults('keeps-setting-1'));
    const run = await cli(retireArgs);
    expect(run.code).toBe(EXIT.wipeNotVerified);
    expect(run.lines.at(-1)).toMatchObject({
      event: 'result',
      state: 'failed',
      remaining: ['setting wifi/psk'],
      certificate: null,
      operation: { error: { code: 'WIPE_VERIFICATION_FAILED', step: 'verify-wipe', message: expect.stringMatching(/setting wifi\/psk/) as unknown } },
    });
    const { events, state, pending } = history(dataDir, deviceId);
    expect(state).not.toBe('retired');
    const types = events.map((event) => event.type);
    expect(types).toContain('device.wipe-failed');
    expect(types).not.toContain('device.retired');
    expect(types).not.toContain('certificate.revocation-requested');
    expect(pending).toEqual([]);
    expect(events.find((event) => event.type === 'device.wipe-failed')!.payload).toMatchObject({ remaining: ['setting wifi/psk'] });
  });

  it('a certificate that survives zeroize is named too, in text output', async () => {
    const { dataDir, deviceId, retireArgs } = await setUp(await scenarioFaults('keeps-certificate-1'));
    const run = await cli(retireArgs.filter((arg) => arg !== '--json'));
    expect(run.code).toBe(EXIT.wipeNotVerified);
    expect(run.stdout).toMatch(/NOT retired hwid:[0-9A-F]+: the wipe left device certificate/);
    expect(history(dataDir, deviceId).state).not.toBe('retired');
  });

  it('refuses Purge for a device without cryptographic erase before touching it, and usage errors exit 2', async () => {
    const { rig: device, dataDir, deviceId, retireArgs } = await setUp();
    const run = await cli([...retireArgs, '--method', 'purge']);
    expect(run.code).toBe(EXIT.failed);
    expect(run.lines.at(-1)).toMatchObject({ state: 'failed', operation: { error: { code: 'WIPE_METHOD_UNSUPPORTED', step: 'read-identity' } } });
    expect(await device.device.credentials.readChain()).toHaveLength(1);
    expect(history(dataDir, deviceId).state).not.toBe('retired');
    expect((await cli(['--data-dir', dataDir, 'retire'])).code).toBe(EXIT.usage);
    expect((await cli(['--data-dir', dataDir, 'retire', '--device', 'x', '--method', 'shred'])).code).toBe(EXIT.usage);
  });

  it('retires with Purge a device whose zeroize is a cryptographic erase', async () => {
    const { dataDir, deviceId, retireArgs } = await setUp(undefined, { isCryptoErase: true });
    const run = await cli([...retireArgs, '--method', 'purge']);
    expect(run.code).toBe(EXIT.ok);
    const certificate = run.lines.at(-1)!.certificate as SanitizationCertificate;
    expect(certificate.body.method).toMatchObject({ level: 'purge', technique: expect.stringMatching(/^cryptographic erase/) as unknown });
    expect(history(dataDir, deviceId).state).toBe('retired');
  });
});
