import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { FileSystemCommand } from '../../../../main/core/drivers/smp/file-system-commands';
import { IdentityCommand } from '../../../../main/core/drivers/smp/identity-commands';
import { ImageCommand } from '../../../../main/core/drivers/smp/image-commands';
import { encodeSmpBody, type SmpMap, type SmpValue } from '../../../../main/core/drivers/smp/smp-cbor';
import { arbitrarySmpMap } from '../../../../main/core/drivers/smp/smp-test-arbitraries';
import { startSmpDeviceFixture, type SmpDeviceFixture } from './smp-lab-device-fixture';

const BUF_SIZE_BYTES = 4096;

/** Every command of the groups a device maker implements from this lab's model (not OS reset, which reboots). */
const COMMANDS: { group: number; commandId: number; op: 'read' | 'write' }[] = [
  ...Object.values(IdentityCommand).flatMap((commandId) =>
    (['read', 'write'] as const).map((op) => ({ group: 64, commandId, op })),
  ),
  ...Object.values(FileSystemCommand).flatMap((commandId) =>
    (['read', 'write'] as const).map((op) => ({ group: 8, commandId, op })),
  ),
  { group: 63, commandId: 0, op: 'write' },
  ...Object.values(ImageCommand).flatMap((commandId) =>
    (['read', 'write'] as const).map((op) => ({ group: 1, commandId, op })),
  ),
  { group: 3, commandId: 0, op: 'write' },
  { group: 3, commandId: 1, op: 'write' },
];

/** The fields these commands read, with values that get past "wrong type" into the handlers' logic. */
const PLAUSIBLE: Record<string, fc.Arbitrary<SmpValue>> = {
  off: fc.oneof(fc.constant(0), fc.nat({ max: 70_000 })),
  len: fc.oneof(fc.constant(0), fc.nat({ max: 70_000 })),
  name: fc.constantFrom('/lfs1/a', '/lfs1/b/c', '/lfs1/../x', 'relative', '/sd/x', ''),
  data: fc.uint8Array({ maxLength: 600 }),
  sha: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  type: fc.constantFrom('sha256', 'crc32', 'md5'),
  chain: fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }),
  subject: fc.constantFrom('CN=LAB-1', 'CN=LAB-1,O=Fieldline', 'garbage', ''),
  alg: fc.constantFrom('p256', 'rsa2048'),
  hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  confirm: fc.boolean(),
  slot: fc.nat({ max: 3 }),
  image: fc.nat({ max: 2 }),
  val: fc.uint8Array({ maxLength: 64 }),
};
/** Values of any type, for the same fields: wrong types must be refused with INVAL. */
const anyValue = fc.oneof(
  fc.integer(),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
  fc.string({ maxLength: 80 }),
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.boolean(),
  fc.constant(null),
);
const requestBody: fc.Arbitrary<SmpMap> = fc.oneof(
  { weight: 3, arbitrary: fc.record(PLAUSIBLE, { requiredKeys: [] }) as fc.Arbitrary<SmpMap> },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.record(PLAUSIBLE, { requiredKeys: [] }),
        fc.dictionary(fc.constantFrom(...Object.keys(PLAUSIBLE)), anyValue, { maxKeys: 2 }),
        arbitrarySmpMap,
      )
      .map(([plausible, wrong, noise]) => ({ ...noise, ...plausible, ...wrong }) as SmpMap),
  },
);

describe('lab SMP device under arbitrary request bodies', () => {
  let fixture: SmpDeviceFixture;
  beforeAll(async () => {
    fixture = await startSmpDeviceFixture({ bufSizeBytes: BUF_SIZE_BYTES });
  });
  afterAll(async () => {
    expect(fixture.device.faults).toEqual([]);
    await fixture.dispose();
  });

  it('answers every command with success or a typed refusal, never by crashing, hanging or UNKNOWN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), requestBody, async (command, body) => {
        // A packet over buf_size is dropped unanswered by design (smp-lab-device.test.ts covers it).
        fc.pre(encodeSmpBody(body).length + 8 <= BUF_SIZE_BYTES);
        try {
          await fixture.client.request({ ...command, body });
        } catch (error: unknown) {
          expect(error).toBeInstanceOf(AppError);
          const { code, details } = error as AppError;
          expect(code).toBe('DEVICE_REJECTED');
          if (details?.kind === 'smp-error') expect(details.rc).not.toBe(1);
        }
      }),
      { numRuns: 400 },
    );
    expect(fixture.device.faults).toEqual([]);
  });
});
