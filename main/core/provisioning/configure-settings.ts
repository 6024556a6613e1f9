import { AppError } from '../../../shared/errors';
import { settingsOverSmp } from '../config/smp-settings';
import type { SmpClient } from '../drivers/smp/smp-client';
import type { StepContext } from '../operations/operation-service';

/**
 * Writes each setting, saves them (settings save, so they survive a reset), then reads each one back and
 * compares bytes. A mismatch is CONFIG_VERIFY_FAILED naming the setting, never its value (it may be a
 * secret). A setting the device cannot read back (write-only) is listed as unverified.
 */
export async function configureSettings(
  client: SmpClient,
  names: readonly string[],
  desired: ReadonlyMap<string, { text: string; isSecret: boolean }>,
  context: Pick<StepContext, 'signal' | 'progress' | 'detail'>,
): Promise<{ written: string[]; unverified: string[]; saved: boolean }> {
  const settings = settingsOverSmp(client);
  // A plain Uint8Array: cbor2 writes a Node Buffer as something else than a CBOR byte string.
  const bytesOf = (name: string): Uint8Array => new TextEncoder().encode(desired.get(name)?.text ?? '');
  const total = names.length * 2;
  for (const [index, name] of names.entries()) {
    context.detail(`writing ${name}`);
    await settings.write(name, bytesOf(name), context.signal);
    context.progress(index + 1, total, 'items');
  }
  await settings.save(context.signal);
  const unverified: string[] = [];
  for (const [index, name] of names.entries()) {
    context.detail(`reading back ${name}`);
    const reading = await settings.read(name, context.signal);
    if (reading.kind === 'write-only') unverified.push(name);
    else if (reading.kind === 'absent' || !Buffer.from(reading.bytes).equals(Buffer.from(bytesOf(name))))
      throw new AppError('CONFIG_VERIFY_FAILED', `setting ${name} reads back ${reading.kind === 'absent' ? 'as not set' : 'differently'} after it was written and saved`, {
        details: { setting: name },
      });
    context.progress(names.length + index + 1, total, 'items');
  }
  return { written: [...names], unverified, saved: true };
}
