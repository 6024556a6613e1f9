/**
 * Firmware trust: signed release bundles, the trust store, MCUboot/UF2/DFU file checks (README.md).
 * The flashing code needs one function, `verifyBundleForDevice`.
 */
export { verifyBundle, verifyBundleForDevice, type BundleCheckOptions, type DeviceBundleCheckOptions, type VerifiedBundle } from './bundle/verify-bundle';
export type { DeviceFacts } from './bundle/device-fit';
export type { VerifiedImage } from './bundle/check-bundle-contents';
export type { ImageFormatFacts } from './bundle/check-image-format';
export { createBundle, signBundle, type BundleImageSource, type ReleaseDescription } from './bundle/create-bundle';
export { inspectBundle, type BundleInspection } from './bundle/inspect-bundle';
export { BUNDLE_ENVELOPE_ENTRY, BUNDLE_FILE_EXTENSION } from './bundle/bundle-layout';
export { createTrustStore, withRevocations, type TrustStore, type TrustedKey, type TrustStoreDefinition } from './trust/trust-store';
export { parseTrustStoreYaml } from './trust/trust-store-document';
export type { Manifest, ManifestImage } from './manifest/manifest-schema';
export { inspectFirmwareFile, verifyFirmwareFile, type FirmwareFileReport } from './formats/firmware-file';
export { buildMcubootImage, type McubootImageSpec } from './mcuboot/mcuboot-image-builder';
export { FIRMWARE_LIMITS } from './firmware-limits';
