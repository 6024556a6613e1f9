import { buildDfuFile } from '../../../drivers/dfu/dfu-suffix';
import { buildUf2File } from '../../../drivers/uf2/uf2-file-builder';
import { deterministicBytes, mcubootSource, MCUBOOT_SLOT_BYTES, testMcubootImage, testRelease } from '../bundle-fixture';
import type { TestKey } from '../test-keyring';
import type { CorpusContext } from './corpus-context';
import { bundleCase, type DeviceContext, type HostileCase } from './hostile-case';

/** Valid, authentic bundles that are wrong for this device: hardware, rollback, expiry, slot and flash fit. */
export function deviceCases(context: CorpusContext): HostileCase[] {
  const { keys } = context;
  const cases: HostileCase[] = [];
  for (const imageKey of [keys.imageEd25519, keys.imageP256]) cases.push(...perImageKeyCases(context, imageKey));
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array, device: DeviceContext = {}) => bundleCase(keys, 'device', name, code, build, device);
  const big = () => context.sign(testRelease(), [mcubootSource(testMcubootImage(keys.imageEd25519, { bodyBytes: 10 * 1024 * 1024 - 0x2000 }))]);
  cases.push(c('10 MB image for a 512 KiB slot', 'BUNDLE_TOO_LARGE_FOR_SLOT', big));
  cases.push(c('MCUboot security counter TLV below the device’s, manifest counter fine', 'BUNDLE_ROLLBACK', () =>
    context.sign(testRelease({ securityCounter: 10 }), [mcubootSource(testMcubootImage(keys.imageEd25519, { securityCounter: 2 }))])));
  cases.push(c('MCUboot security counter TLV 0 on a device at 3', 'BUNDLE_ROLLBACK', () =>
    context.sign(testRelease(), [mcubootSource(testMcubootImage(keys.imageEd25519, { securityCounter: 0 }))])));
  cases.push(c('MCUboot security counter TLV below the ledger’s record', 'BUNDLE_ROLLBACK', () =>
    context.sign(testRelease({ securityCounter: 9 }), [mcubootSource(testMcubootImage(keys.imageEd25519, { securityCounter: 4 }))]), { ledgerSecurityCounter: 8 }));
  const uf2 = (address: number, bytes: number) => () =>
    context.sign(testRelease(), [{ file: 'images/app.uf2', protocol: 'uf2', address, bytes: buildUf2File(deterministicBytes(bytes, 4), { baseAddress: address, familyId: 0xe48bff56 }) }]);
  cases.push(c('UF2 outside every flash region', 'BUNDLE_TOO_LARGE_FOR_SLOT', uf2(0x2000_0000, 4096)));
  cases.push(c('UF2 running past the end of its region', 'BUNDLE_TOO_LARGE_FOR_SLOT', uf2(0x000f_f000, 8192)));
  cases.push(c('UF2 for a device that reports no flash regions', 'BUNDLE_TOO_LARGE_FOR_SLOT', uf2(0x1000_0000, 4096), { device: { flashRegions: [] } }));
  const dfu = (address: number, bytes: number) => () =>
    context.sign(testRelease(), [{ file: 'images/app.dfu', protocol: 'dfu', address, bytes: buildDfuFile(deterministicBytes(bytes, 5), { vendorId: 0x0483, productId: 0xdf11, bcdDevice: 0xffff }) }]);
  cases.push(c('DFU image larger than its region', 'BUNDLE_TOO_LARGE_FOR_SLOT', dfu(0x0, 1024 * 1024 + 1)));
  cases.push(c('DFU image at an unmapped address', 'BUNDLE_TOO_LARGE_FOR_SLOT', dfu(0x4000_0000, 1024)));
  return cases;
}

function perImageKeyCases(context: CorpusContext, imageKey: TestKey): HostileCase[] {
  const c = (name: string, code: Parameters<typeof bundleCase>[3], build: () => Uint8Array, device: DeviceContext = {}) =>
    bundleCase(context.keys, 'device', `${name} (image signed by ${imageKey.name})`, code, build, device);
  const image = testMcubootImage(imageKey);
  const bundle = (overrides: Parameters<typeof testRelease>[0] = {}) => () => context.sign(testRelease(overrides), [mcubootSource(image)]);
  const cases: HostileCase[] = [];
  for (const hardwareId of ['acme-sensor-nrf5340', 'ACME-SENSOR-NRF52840', 'acme-sensor-nrf52840 ', '']) {
    cases.push(c(`hardware id ${JSON.stringify(hardwareId)}`, 'BUNDLE_WRONG_HARDWARE', bundle(), { device: { hardwareId } }));
  }
  for (const hardwareRevision of ['C', 'a', '']) cases.push(c(`hardware revision ${JSON.stringify(hardwareRevision)}`, 'BUNDLE_WRONG_HARDWARE', bundle(), { device: { hardwareRevision } }));
  cases.push(c('release for other hardware only', 'BUNDLE_WRONG_HARDWARE', bundle({ hardware: [{ id: 'acme-gateway-imx8', revisions: ['A'] }] })));
  for (const securityCounter of [6, 100, 0xffff_ffff]) cases.push(c(`device security counter ${securityCounter} above the release’s 5`, 'BUNDLE_ROLLBACK', bundle(), { device: { securityCounter } }));
  for (const ledger of [6, 1000]) cases.push(c(`ledger recorded security counter ${ledger}`, 'BUNDLE_ROLLBACK', bundle(), { ledgerSecurityCounter: ledger }));
  cases.push(c('release security counter 0 on a device at 3', 'BUNDLE_ROLLBACK', bundle({ securityCounter: 0 })));
  cases.push(c('expired exactly now', 'BUNDLE_EXPIRED', bundle(), { now: new Date('2026-05-01T00:00:00Z') }));
  cases.push(c('expired a millisecond ago', 'BUNDLE_EXPIRED', bundle(), { now: new Date('2026-05-01T00:00:00.001Z') }));
  cases.push(c('expired a year ago', 'BUNDLE_EXPIRED', bundle(), { now: new Date('2027-05-01T00:00:00Z') }));
  cases.push(c('release that expired before it reached the station', 'BUNDLE_EXPIRED', bundle({ issuedAt: '2024-01-01T00:00:00Z', expiresAt: '2024-06-01T00:00:00Z' })));
  cases.push(c('slot one byte too small', 'BUNDLE_TOO_LARGE_FOR_SLOT', bundle(), { device: { slotSizes: { 1: image.length - 1 } } }));
  cases.push(c('slot of zero bytes', 'BUNDLE_TOO_LARGE_FOR_SLOT', bundle(), { device: { slotSizes: { 1: 0 } } }));
  cases.push(c('device without the target slot', 'BUNDLE_WRONG_HARDWARE', bundle(), { device: { slotSizes: { 0: MCUBOOT_SLOT_BYTES } } }));
  return cases;
}
